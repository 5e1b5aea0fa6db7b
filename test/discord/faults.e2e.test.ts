/** Faults: a 429, a lost gateway connection, a missing channel permission, SIGTERM. */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PERMISSIONS, MEMBER_PERMISSIONS, PERMISSIONS, type FakeDiscord } from './fake-discord.ts';
import { E2E_TIMEOUT_MS, startHarness, type Harness } from './harness.ts';

const EPHEMERAL = 64;
const EDIT = /^\/channels\/\d+\/messages\/\d+$/;

async function startRound(fake: FakeDiscord, mode = 'race') {
  const host = fake.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
  const play = fake.sendInteraction(fake.command('play', { deck: 'masterpieces', item: 'mona-lisa', mode }, { member: host }));
  await fake.waitForAnswer(play);
  return fake.channelMessages()[0]!;
}

describe('discord: faults', { timeout: E2E_TIMEOUT_MS }, () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('respects a 429: waits for Retry-After, then the step still arrives and the round goes on', async () => {
    h = await startHarness();
    const { fake, clock, app } = h;
    const roundMsg = await startRound(fake);
    fake.rateLimit({ method: 'PATCH', path: EDIT, retryAfter: 1 });

    await clock.advance(15_000);
    await fake.waitFor(() => fake.messages.get(roundMsg.id)!.history.length === 2, 10_000, 'step 2 after the 429');
    expect(fake.rateLimited).toBe(1);
    expect(fake.rateLimitViolations).toBe(0);
    const edits = fake.requestsMatching('PATCH', EDIT);
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
    expect(fake.messages.get(roundMsg.id)!.attachments.map((a) => a.filename)).toEqual(['step-2.png']);

    await clock.advance(15_000);
    expect(fake.messages.get(roundMsg.id)!.attachments.map((a) => a.filename)).toEqual(['step-3.png']);
    const round = (await app.game.roundInChannel(`discord:${fake.channelId}`))!;
    expect((await app.store.round(round.id))?.step).toBe(3);
    expect(fake.channelMessages()).toHaveLength(1);
  });

  it('resumes a lost gateway connection; the round goes on and new interactions are answered', async () => {
    // The guess sent during the outage waits for the resume: give it more than 3 s on a slow machine.
    h = await startHarness({ fake: { deadlineMs: 15_000 } });
    const { fake, clock, app } = h;
    const roundMsg = await startRound(fake);
    await clock.advance(15_000);

    fake.dropConnection();
    // The round runs on the game's clock and posts through REST: it does not need the gateway.
    await clock.advance(15_000);
    expect(fake.messages.get(roundMsg.id)!.attachments.map((a) => a.filename)).toEqual(['step-3.png']);

    // An interaction sent while the connection is down is replayed on RESUME, and answered.
    const player = fake.member({ name: 'Pat' });
    const during = fake.sendInteraction(fake.command('guess', { answer: 'the kiss' }, { member: player }));
    expect(fake.connected).toBe(false);

    await fake.waitFor(() => fake.resumes === 1 && fake.connected, 15_000, 'the client to resume');
    expect(fake.identifies).toHaveLength(1); // resumed the session, did not log in again
    expect((await fake.waitForAnswer(during)).content).toContain('Not it');

    const guess = fake.sendInteraction(fake.command('guess', { answer: 'mona lisa' }, { member: player }));
    const answer = await fake.waitForAnswer(guess);
    expect(answer.content).toContain('You win this round at step 3');
    await fake.waitFor(() => fake.channelMessages().length === 2, 10_000, 'the recap');
    expect(await app.game.roundInChannel(`discord:${fake.channelId}`)).toBeNull();
  });

  it('explains a missing channel permission privately instead of starting a round', async () => {
    h = await startHarness();
    const { fake, app } = h;
    const noFiles = (BigInt(MEMBER_PERMISSIONS) | PERMISSIONS.EmbedLinks).toString(); // no Attach Files
    const play = fake.sendInteraction(fake.command('play', {}, { appPermissions: noFiles }));
    const cb = await fake.waitForCallback(play);
    expect(cb.type).toBe(4);
    expect(cb.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(cb.data.content).toContain('Attach Files');
    expect(cb.data.content).not.toContain('Send Messages');
    expect(await app.game.roundInChannel(`discord:${fake.channelId}`)).toBeNull();
    expect(fake.channelMessages()).toHaveLength(0);

    const zh = fake.sendInteraction(fake.command('play', {}, { appPermissions: PERMISSIONS.ViewChannel.toString(), locale: 'zh-TW' }));
    const zhCb = await fake.waitForCallback(zh);
    expect(zhCb.data.content).toContain('发送消息');
    expect(zhCb.data.content).toContain('附加文件');
    expect(zhCb.data.content).toContain('嵌入链接');
  });

  it('on stop (SIGTERM) hands the round over: the channel hears it will go on, the round stays running, scores kept, disconnects', async () => {
    h = await startHarness();
    const { fake, clock, app } = h;
    await startRound(fake, 'experiment');
    const roundId = (await app.game.roundInChannel(`discord:${fake.channelId}`))!.id;
    await clock.advance(15_000);
    const ann = fake.member({ name: 'Ann' });
    await fake.waitForAnswer(fake.sendInteraction(fake.command('guess', { answer: 'mona lisa' }, { member: ann })));

    await h.running.stop();
    const notice = fake.channelMessages()[1]!;
    expect(JSON.stringify(notice)).toMatch(/restarting/i);
    expect(await app.store.round(roundId)).toMatchObject({ status: 'running', owner_id: null });
    expect(await app.store.guessesOfRound(roundId)).toHaveLength(1);
    const board = await app.store.leaderboard('server', `discord:${fake.guild.id}`, 10);
    expect(board[0]?.points).toBeGreaterThan(0);
    await fake.waitFor(() => !fake.connected, 5000, 'the client to disconnect');
  });
});
