/** A whole race round through the real discord.js client and the fake Discord. */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PERMISSIONS } from './fake-discord.ts';
import { expectPng512, E2E_TIMEOUT_MS, startHarness, type Harness } from './harness.ts';

const EPHEMERAL = 64;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('discord: a race round', { timeout: E2E_TIMEOUT_MS }, () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('asks the gateway for the Guilds intent only (no privileged intent) by default', () => {
    expect(h.fake.identifies).toHaveLength(1);
    expect(h.fake.identifies[0]!.intents).toBe(1);
  });

  it('plays a whole round: one message edited at each step (512 px PNGs), a modal guess, one recap', async () => {
    const { fake, clock, app } = h;
    const host = fake.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
    const player = fake.member({ name: '@everyone **Bob**' });

    // /play: deferred privately at once, then "round started".
    const play = fake.sendInteraction(fake.command('play', { deck: 'masterpieces', item: 'mona-lisa', mode: 'race' }, { member: host }));
    const deferred = await fake.waitForCallback(play);
    expect(deferred.type).toBe(5);
    expect(deferred.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    const started = await fake.waitForAnswer(play);
    expect(started.content).toContain('Round started');

    // The round message: step 1, a 512×512 PNG, a Guess button, no mentions.
    expect(fake.channelMessages()).toHaveLength(1);
    const roundMsg = fake.channelMessages()[0]!;
    const round = (await app.game.roundInChannel(`discord:${fake.channelId}`))!;
    expect((await app.store.round(round.id))?.item_id).toBe('mona-lisa');
    expect(roundMsg.attachments.map((a) => a.filename)).toEqual(['step-1.png']);
    await expectPng512(roundMsg.attachments[0]!.data);
    expect(roundMsg.embeds[0].image.url).toBe('attachment://step-1.png');
    expect(roundMsg.embeds[0].title).toContain('Step 1/6');
    expect(roundMsg.components[0].components[0]).toMatchObject({ custom_id: `guess:${round.id}`, type: 2 });
    expect(roundMsg.allowed_mentions).toMatchObject({ parse: [] });

    // Steps 2..6: the same message is edited; the new image replaces the old one.
    const hashes = new Set([sha(roundMsg.attachments[0]!.data)]);
    for (let step = 2; step <= 6; step++) {
      await clock.advance(15_000);
      const m = fake.messages.get(roundMsg.id)!;
      expect(m.history).toHaveLength(step);
      expect(m.attachments.map((a) => a.filename)).toEqual([`step-${step}.png`]);
      await expectPng512(m.attachments[0]!.data);
      expect(m.embeds[0].image.url).toBe(`attachment://step-${step}.png`);
      expect(m.embeds[0].title).toContain(`Step ${step}/6`);
      hashes.add(sha(m.attachments[0]!.data));
    }
    expect(hashes.size).toBe(6);
    expect(fake.channelMessages()).toHaveLength(1);
    expect(fake.requestsMatching('POST', /^\/channels\/\d+\/messages$/)).toHaveLength(1);

    // A wrong /guess: a private "not it", nothing public.
    const wrong = fake.sendInteraction(fake.command('guess', { answer: 'the starry night' }, { member: player }));
    const wrongCb = await fake.waitForCallback(wrong);
    expect(wrongCb.type).toBe(4);
    expect(wrongCb.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(wrongCb.data.content).toContain('Not it');

    // The Guess button opens a modal…
    const press = fake.sendInteraction(fake.button(`guess:${round.id}`, roundMsg, { member: player }));
    const modal = await fake.waitForCallback(press);
    expect(modal.type).toBe(9);
    expect(modal.data.custom_id).toBe(`guess-modal:${round.id}`);
    expect(modal.data.components[0].components[0]).toMatchObject({ custom_id: 'answer', type: 4 });

    // …whose answer wins the round.
    const submit = fake.sendInteraction(fake.modalSubmit(`guess-modal:${round.id}`, { answer: 'Mona Lisa' }, { member: player }));
    const won = await fake.waitForAnswer(submit);
    expect(won.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(won.content).toContain('You win this round at step 6');

    // The recap: the second and last channel message of the round.
    await fake.waitFor(() => fake.channelMessages().length === 2, 10_000, 'the recap');
    const recap = fake.channelMessages()[1]!;
    expect(recap.embeds[0].title).toContain('Mona Lisa');
    expect(recap.attachments.map((a) => a.filename)).toEqual(['recap.png']);
    expect(recap.embeds[0].image.url).toBe('attachment://recap.png');
    expect(recap.embeds[0].footer.text).toContain('Leonardo');
    // The winner's name is user text: escaped, its @everyone broken, and no mention can ping.
    const description: string = recap.embeds[0].description;
    expect(description).toContain('@\u200beveryone \\*\\*Bob\\*\\*');
    expect(description).not.toMatch(/@everyone/);
    expect(description).toContain('+1 point.');
    expect(recap.allowed_mentions).toMatchObject({ parse: [] });
    // The recap links the topic the round illustrates (a famous picture: knowledge as compression);
    // its button answers like /explain.
    const link = recap.components[0].components[0];
    expect(link).toMatchObject({ custom_id: 'explain:topic=knowledge-compression', label: 'Knowledge is compression' });
    const explained = await fake.waitForAnswer(fake.sendInteraction(fake.button(link.custom_id, recap, { member: player })));
    expect(explained.embeds[0].title).toBe('Knowledge is compression');
    // The round message keeps its last picture and loses its button.
    await fake.waitFor(() => fake.messages.get(roundMsg.id)!.components.length === 0, 10_000, 'button removal');
    expect(fake.messages.get(roundMsg.id)!.attachments.map((a) => a.filename)).toEqual(['step-6.png']);
    expect(fake.channelMessages()).toHaveLength(2);

    // Points are in the shared database.
    const board = await app.store.leaderboard('server', `discord:${fake.guild.id}`, 10);
    expect(board).toEqual([expect.objectContaining({ points: 1, wins: 1 })]);

    // A late press on the old button gets a clear private answer.
    const stale = fake.sendInteraction(fake.button(`guess:${round.id}`, roundMsg, { member: player }));
    const staleCb = await fake.waitForCallback(stale);
    expect(staleCb.type).toBe(4);
    expect(staleCb.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(staleCb.data.content).toContain('ended');
    expect(fake.channelMessages()).toHaveLength(2);
  });
});
