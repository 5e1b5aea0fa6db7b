/** A whole experiment round with two players: every guess and result is private. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PERMISSIONS, type FakeInteraction } from './fake-discord.ts';
import { E2E_TIMEOUT_MS, startHarness, type Harness } from './harness.ts';

const EPHEMERAL = 64;

describe('discord: an experiment round', { timeout: E2E_TIMEOUT_MS }, () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('keeps every guess private, runs all six steps, and recaps who knew it when', async () => {
    const { fake, clock, app } = h;
    const host = fake.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
    const ann = fake.member({ name: 'Ann' });
    const li = fake.member({ name: '小李' });
    const channel = `discord:${fake.channelId}`;

    const play = fake.sendInteraction(
      fake.command('play', { deck: 'masterpieces', item: 'mona-lisa', mode: 'experiment' }, { member: host }),
    );
    await fake.waitForAnswer(play);
    const roundMsg = fake.channelMessages()[0]!;
    const roundId = (await app.game.roundInChannel(channel))!.id;
    expect(roundMsg.embeds[0].description).toContain('Experiment');

    const answers: FakeInteraction[] = [];
    const ask = async (i: FakeInteraction) => {
      answers.push(i);
      return fake.waitForAnswer(i);
    };

    // Step 1: Ann guesses wrong, privately.
    const a1 = await ask(fake.sendInteraction(fake.command('guess', { answer: 'the scream' }, { member: ann })));
    expect(a1.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(a1.content).toContain('Not it');

    // Step 3: Ann knows it, and is the first.
    await clock.advance(15_000);
    await clock.advance(15_000);
    const a2 = await ask(fake.sendInteraction(fake.command('guess', { answer: 'mona lisa' }, { member: ann })));
    expect(a2.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(a2.content).toContain('you were the first');
    expect(a2.content).toContain('Step 3');

    // Step 5: 小李, in Chinese, through the button and the modal.
    await clock.advance(15_000);
    await clock.advance(15_000);
    const press = fake.sendInteraction(fake.button(`guess:${roundId}`, roundMsg, { member: li, locale: 'zh-CN' }));
    const modal = await fake.waitForCallback(press);
    expect(modal.type).toBe(9);
    expect(modal.data.title).toBe('你的答案');
    const b1 = await ask(
      fake.sendInteraction(fake.modalSubmit(`guess-modal:${roundId}`, { answer: '蒙娜丽莎' }, { member: li, locale: 'zh-CN' })),
    );
    expect(b1.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(b1.content).toContain('猜对了');
    expect(b1.content).toContain('第 5 步');

    // A correct guess does not end an experiment: the round runs to the end.
    expect(await app.game.roundInChannel(channel)).not.toBeNull();
    for (let i = 0; i < 6 && (await app.game.roundInChannel(channel)); i++) await clock.advance(15_000);
    expect(await app.game.roundInChannel(channel)).toBeNull();

    // Two channel messages in all: the round message (edited through step 6 and the last window) and the recap.
    await fake.waitFor(() => fake.channelMessages().length === 2, 10_000, 'the recap');
    const msgs = fake.channelMessages();
    expect(msgs).toHaveLength(2);
    expect(fake.messages.get(roundMsg.id)!.attachments.map((a) => a.filename)).toEqual(['step-6.png']);
    const recap = msgs[1]!;
    const fields = recap.embeds[0].fields as { name: string; value: string }[];
    const who = fields.find((f) => f.name.includes('Who knew it'))!;
    expect(who.value.split('\n')).toEqual([
      expect.stringMatching(/^Ann: step 3 .*\+\d+/),
      expect.stringMatching(/^小李: step 5 /),
    ]);
    const table = fields.find((f) => f.name.includes('How many knew it'))!;
    expect(table.value).toContain('32×32: 1 new · 2 of 2 by then');

    // Every answer to a player was private; nothing they typed reached the channel.
    for (const i of answers) {
      const visible = i.original!.deleted ? i.followups[0]! : i.original!;
      expect(visible.flags & EPHEMERAL).toBe(EPHEMERAL);
    }
    const publicText = JSON.stringify(msgs.map((m) => m.history));
    expect(publicText).not.toContain('the scream');
  });
});
