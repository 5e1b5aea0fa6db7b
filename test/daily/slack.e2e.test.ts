/** /daily on Slack: the real Bolt app against the fake Slack (Socket Mode), a real app and database. */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, makeWorld, type World } from '../slack/harness.ts';
import type { Block } from '../slack/fake-slack.ts';
import { buttons, ephemeralText, imageFileIds, versionText } from '../slack/inspect.ts';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('Slack: /emergence daily', () => {
  it('a private step, Next, the Guess modal, and a public Share without the answer', { timeout: 60_000 }, async () => {
    w = await makeWorld('socket');
    const { slack, t } = w;
    const daily = t.app.services.daily as unknown as { today(): { item: { answers: { en: string; zh: string }; aliases: string[] } } };
    const { answers, aliases } = daily.today().item;
    const mine = () => slack.ephemerals.filter((e) => e.user === 'UALICE');

    // `/emergence daily` alone means play.
    await w.slash('UALICE', 'daily');
    await w.settle();
    const step1 = mine().at(-1)!;
    expect(ephemeralText(step1)).toContain('step 1 of 6');
    expect(ephemeralText(step1)).toContain('/emergence daily guess your answer');
    expect(buttons(step1).map((b) => b.action_id)).toEqual(['daily:action=guess', 'daily:action=next']);
    const [fileId] = imageFileIds(step1);
    const meta = await sharp(slack.files.get(fileId!)!.bytes).metadata();
    expect([meta.format, meta.width]).toEqual(['png', 512]);
    // Nothing in the channel: the play is private.
    expect(slack.channelMessages(CHANNEL)).toEqual([]);

    // Next on the private step replaces it through the response URL, instead of adding a message.
    const before = mine().length;
    await w.button('UALICE', 'daily:action=next', '1700000000.000100', CHANNEL, { ephemeral: true });
    await w.settle();
    expect(mine()).toHaveLength(before);
    const replaced = slack.responses.at(-1)!.body as { replace_original?: boolean; response_type?: string; text?: string; blocks?: Block[] };
    expect([replaced.replace_original, replaced.response_type]).toEqual([true, 'ephemeral']);
    expect(versionText(replaced)).toContain('step 2 of 6');
    expect(buttons(replaced).map((b) => b.action_id)).toEqual(['daily:action=guess', 'daily:action=next']);
    const [step2File] = imageFileIds(replaced);
    expect((await sharp(slack.files.get(step2File!)!.bytes).metadata()).width).toBe(512);
    // The text form works too.
    await w.slash('UALICE', 'daily next');
    await w.settle();
    expect(ephemeralText(mine().at(-1)!)).toContain('step 3 of 6');

    await w.button('UALICE', 'daily:action=guess', '1700000000.000100');
    await w.settle();
    expect(slack.views).toHaveLength(1);
    const view = slack.views[0]!.view;
    expect(JSON.parse(String(view.private_metadata))).toEqual({ c: CHANNEL, r: 'daily' });
    await w.submit('UALICE', view, 'a sunflower');
    await w.settle();
    expect(ephemeralText(mine().at(-1)!)).toContain('Not it. 2 guesses left at this step.');
    await w.slash('UALICE', `daily guess ${answers.en}`);
    await w.settle();
    const result = mine().at(-1)!;
    expect(ephemeralText(result)).toMatch(/Emergence #\d+ · ⬛⬛🟩 · 8×8/);
    expect(buttons(result).map((b) => b.action_id)).toEqual(['daily:action=share', 'daily:action=stats']);
    expect(slack.channelMessages(CHANNEL)).toEqual([]);

    await w.button('UALICE', 'daily:action=share', '1700000000.000100');
    await w.settle();
    const posts = slack.channelMessages(CHANNEL);
    expect(posts).toHaveLength(1);
    const post = versionText(posts[0]!);
    expect(post).toMatch(/Emergence #\d+ · ⬛⬛🟩 · 8×8/);
    for (const name of [answers.en, answers.zh, ...aliases]) expect(post.toLowerCase()).not.toContain(name.toLowerCase());

    // Bob has not played: no stats for him; Alice sees hers.
    await w.slash('UBOB', 'daily stats');
    await w.settle();
    expect(ephemeralText(slack.ephemerals.filter((e) => e.user === 'UBOB').at(-1)!)).toContain('show once you have finished');
    await w.slash('UALICE', 'daily stats');
    await w.settle();
    expect(ephemeralText(mine().at(-1)!)).toContain('Your streak: 1 day in a row.');
    expect(slack.problems).toEqual([]);
  });
});
