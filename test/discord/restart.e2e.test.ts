/**
 * A round message outlives the process that posted it: the sink keeps nothing, so a
 * second process (another app, another discord.js client) that is handed the round's
 * message reference edits the same message, replacing the dead process's Guess button,
 * or removing it when the round was closed by the restart.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMessageRef, encodeMessageRef } from '../../src/adapters/discord/sink.ts';
import type { RoundUpdate } from '../../src/runtime/sink.ts';
import { t } from '../../src/views/i18n.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { ADMIN_PERMISSIONS, FakeDiscord } from './fake-discord.ts';
import { E2E_TIMEOUT_MS, startHarness, type Harness } from './harness.ts';

const EDIT = /^\/channels\/\d+\/messages\/\d+$/;

describe('discord: a round message across processes', { timeout: E2E_TIMEOUT_MS }, () => {
  let fake: FakeDiscord | undefined;
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.stop();
    await fake?.close();
    fake = undefined;
  });

  it('a second process edits the same round message: new components at the next step, none once the round is closed', async () => {
    fake = await FakeDiscord.start();
    const first = await startHarness({ fake });
    const host = fake.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
    await fake.waitForAnswer(fake.sendInteraction(fake.command('play', { deck: 'masterpieces', item: 'mona-lisa' }, { member: host })));
    const channel = `discord:${fake.channelId}`;
    const round = (await first.app.game.roundInChannel(channel))!;
    const roundMsg = fake.channelMessages()[0]!;
    // The reference names the message itself: nothing else is needed to find it again.
    expect(round.messageRef).toBe(encodeMessageRef({ channelId: fake.channelId, messageId: roundMsg.id }));
    expect(roundMsg.components[0].components[0].custom_id).toBe(`guess:${round.id}`);

    // The first process dies without closing anything (a crash): its client just goes away.
    await first.running.client!.destroy();
    await first.cleanup(); // closes its database; its client can no longer post anything

    const second = await startHarness({ fake });
    harnesses.push(second);
    const sink = second.running.sink!;
    const png = readFileSync(new URL('../../assets/readme/ladder-mona-lisa.png', import.meta.url));
    const update = (over: Partial<RoundUpdate>): RoundUpdate => ({
      roundId: round.id,
      kind: 'step',
      step: 3,
      locale: 'en',
      mode: 'race',
      messageRef: round.messageRef,
      reply: { title: 'Step 3/6', text: 'Guess!', images: [{ name: 'step-3.png', data: png }], buttons: [{ id: `guess:${round.id}`, label: 'Guess again', style: 'primary' }] },
      ...over,
    });

    const edits = fake.requestsMatching('PATCH', EDIT).length;
    // Nothing new to keep: the same message goes on.
    expect(await sink.publish(channel, update({}))).toBeUndefined();
    const m = fake.messages.get(roundMsg.id)!;
    expect(m.history).toHaveLength(2);
    expect(m.attachments.map((a) => a.filename)).toEqual(['step-3.png']);
    expect(m.embeds[0].title).toBe('Step 3/6');
    // The edit carries its own components, so the dead process's button is replaced, not left as it was.
    const patch = fake.requestsMatching('PATCH', EDIT).slice(edits);
    expect(patch).toHaveLength(1);
    expect(patch[0]!.path).toBe(`/channels/${fake.channelId}/messages/${roundMsg.id}`);
    expect(patch[0]!.body.components).toEqual([
      { type: 1, components: [{ type: 2, style: 1, custom_id: `guess:${round.id}`, label: 'Guess again' }] },
    ]);
    expect(fake.channelMessages()).toHaveLength(1);

    // The second process does not run that round: a press on the button says it is over.
    const press = await fake.waitForCallback(fake.sendInteraction(fake.button(`guess:${round.id}`, m)));
    expect(press.type).toBe(4);
    expect(press.data.content).toContain('ended');

    // The round is closed as interrupted: the channel is told, and the round message loses its button.
    await sink.publish(channel, update({ kind: 'notice', step: 0, reply: { text: t('en', 'notice.restart') } }));
    const messages = fake.channelMessages();
    expect(messages).toHaveLength(2);
    expect(messages[1]!.content).toContain('A restart interrupted the round');
    expect(fake.messages.get(roundMsg.id)!.components).toEqual([]);
    expect(fake.messages.get(roundMsg.id)!.attachments.map((a) => a.filename)).toEqual(['step-3.png']);
  });

  it('a round message that appeared after its recap is closed: its button goes, nothing is posted', async () => {
    fake = await FakeDiscord.start();
    const h = await startHarness({ fake });
    harnesses.push(h);
    const host = fake.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
    await fake.waitForAnswer(fake.sendInteraction(fake.command('play', { deck: 'masterpieces', item: 'mona-lisa' }, { member: host })));
    const round = (await h.app.game.roundInChannel(`discord:${fake.channelId}`))!;
    const roundMsg = fake.channelMessages()[0]!;
    expect(roundMsg.components).not.toEqual([]);
    await h.running.sink!.publish(`discord:${fake.channelId}`, {
      roundId: round.id,
      kind: 'closed',
      step: 1,
      locale: 'en',
      mode: 'race',
      messageRef: round.messageRef,
      reply: { title: 'It was: Mona Lisa', text: 'ended' },
    });
    expect(fake.messages.get(roundMsg.id)!.components).toEqual([]);
    expect(fake.messages.get(roundMsg.id)!.attachments.map((a) => a.filename)).toEqual(['step-1.png']);
    expect(fake.channelMessages()).toHaveLength(1);
  });

  /** A round in a first process, at step 2; then that process dies (its client goes, nothing is closed). */
  async function crashedRound() {
    fake = await FakeDiscord.start();
    const first = await startHarness({ fake });
    harnesses.push(first);
    const host = fake.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
    await fake.waitForAnswer(fake.sendInteraction(fake.command('play', { deck: 'masterpieces', item: 'mona-lisa' }, { member: host })));
    await first.clock.advance(15_000);
    const round = (await first.app.game.roundInChannel(`discord:${fake.channelId}`))!;
    const roundMsg = fake.channelMessages()[0]!;
    expect(roundMsg.attachments.map((a) => a.filename)).toEqual(['step-2.png']);
    await first.running.client!.destroy();
    return { fake, first, round, roundMsg };
  }

  /** A second process on the same database and the same Discord, `ms` after the first one's clock. */
  async function secondProcess(c: Awaited<ReturnType<typeof crashedRound>>, ms: number) {
    const clock = new FakeClock(c.first.clock.now() + ms);
    const second = await startHarness({ fake: c.fake, app: { dir: c.first.dir, databasePath: c.first.dbPath, clock } });
    harnesses.unshift(second); // stopped before the first, whose folder holds the database
    return second;
  }

  it('after a crash, the process that resumes the round edits the same message and replaces its Guess button', async () => {
    const c = await crashedRound();
    const { fake, round, roundMsg } = c;
    const second = await secondProcess(c, 20_000);
    const edits = fake.requestsMatching('PATCH', EDIT).length;
    expect(await second.app.game.recover()).toEqual([]);
    await second.clock.advance(0); // step 3 was due 5 s ago

    const m = fake.messages.get(roundMsg.id)!;
    expect(m.attachments.map((a) => a.filename)).toEqual(['step-3.png']);
    expect(m.embeds[0].title).toContain('Step 3/6');
    const patch = fake.requestsMatching('PATCH', EDIT).slice(edits);
    expect(patch.map((r) => r.path)).toEqual([`/channels/${fake.channelId}/messages/${roundMsg.id}`]);
    expect(patch[0]!.body.components[0].components[0]).toMatchObject({ custom_id: `guess:${round.id}`, type: 2 });
    expect(fake.channelMessages()).toHaveLength(1);

    // The button leads to the round in the new process: it opens the text box, and the guess wins there.
    const press = await fake.waitForCallback(fake.sendInteraction(fake.button(`guess:${round.id}`, m)));
    expect(press.type).toBe(9);
    const won = await fake.waitForAnswer(fake.sendInteraction(fake.modalSubmit(`guess-modal:${round.id}`, { answer: 'mona lisa' })));
    expect(won.content).toContain('You win this round at step 3');
    await fake.waitFor(() => fake.channelMessages().length === 2, 10_000, 'the recap');
    expect(fake.messages.get(roundMsg.id)!.components).toEqual([]);
  });

  it('a crashed round picked up past the resume window is closed: one recap, and its message loses the button', async () => {
    const c = await crashedRound();
    const { fake, round, roundMsg } = c;
    const second = await secondProcess(c, 600_000);
    const closed = await second.app.game.recover();
    expect(closed.map((r) => r.id)).toEqual([round.id]);
    await second.app.game.announceInterrupted({ platform: 'discord' });

    await fake.waitFor(() => fake.channelMessages().length === 2, 10_000, 'the recap');
    const recap = fake.channelMessages()[1]!;
    expect(recap.embeds[0].description).toContain('interrupted');
    expect(fake.messages.get(roundMsg.id)!.components).toEqual([]);
    expect(fake.messages.get(roundMsg.id)!.attachments.map((a) => a.filename)).toEqual(['step-2.png']);
    expect((await second.app.store.round(round.id))?.status).toBe('interrupted');
    // Told once: the recap; announcing again adds nothing.
    await second.app.game.announceInterrupted({ platform: 'discord' });
    expect(fake.channelMessages()).toHaveLength(2);
  });

  it('ignores a reference that is not a message of this channel, and posts a new round message instead', async () => {
    fake = await FakeDiscord.start();
    const h = await startHarness({ fake });
    harnesses.push(h);
    expect(decodeMessageRef(`${fake.channelId}/123`, fake.channelId)).toEqual({ channelId: fake.channelId, messageId: '123' });
    for (const bad of ['123/456', 'C0123/1700000000.000100', `${fake.channelId}/abc`, `${fake.channelId}/1/2`, '']) {
      expect(decodeMessageRef(bad, fake.channelId)).toBeNull();
    }
    const ref = await h.running.sink!.publish(`discord:${fake.channelId}`, {
      roundId: 'r1',
      kind: 'step',
      step: 1,
      locale: 'en',
      mode: 'race',
      messageRef: '123/456',
      reply: { title: 'Step 1/6', text: 'Guess!' },
    });
    const [posted] = fake.channelMessages();
    expect(ref).toBe(`${fake.channelId}/${posted!.id}`);
    expect(fake.requestsMatching('PATCH', EDIT)).toHaveLength(0);
  });
});
