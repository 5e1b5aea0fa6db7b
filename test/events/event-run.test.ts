/**
 * A whole hosted event on the real app (real database on both engines, real decks and images) with the
 * fake clock: created with a future start, its rounds, the break with the standings, the podium, the
 * leaderboard and the emergence report, every figure checked; teams; a restart in the middle.
 */
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plainText, type Reply } from '../../src/core/reply.ts';
import { caller, makeTestApp, runningRound, type TestApp } from '../fakes/test-app.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';

let t: TestApp;
let sink: RecordingSink;
let db: TestDatabase;

const host = caller('host', { isHost: true });
const alice = caller('alice');
const bob = caller('bob');
const carol = caller('carol');
const STEP = 15_000;
const MIN = 60_000;

async function run(who: typeof host, line: string): Promise<Reply[]> {
  return t.app.dispatcher.runText(who, line, { plainIsGuess: true });
}
const text = (rs: Reply[]) => rs.map((r) => [r.title, r.text, ...(r.fields ?? []).map((f) => `${f.name}\n${f.value}`), r.footer].filter(Boolean).map((s) => plainText(s!)).join('\n')).join('\n');
const notices = () => sink.updates.filter((u) => u.update.kind === 'notice').map((u) => u.update.reply);

async function png(data: Uint8Array) {
  const { data: px, info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
  return { px, info };
}

describe.each(engines)('events on $name', (engine) => {
  beforeEach(async () => {
    db = await engine.create();
    t = await makeTestApp({ databasePath: db.location });
    sink = new RecordingSink();
    t.app.sinks.register('terminal', sink);
  });
  afterEach(async () => {
    await t.cleanup();
    await db.drop();
  });

  it('runs a whole scheduled event: rounds, break, podium, leaderboard and report, every figure checked', async () => {
    // Before the event, carol met the Mona Lisa in a round of her own and knew it only at 64×64:
    // the all-time curve of the event's pictures includes her, the event's own curve does not.
    await run(host, '/play deck:masterpieces item:mona-lisa mode:experiment');
    await t.clock.advance(5 * STEP);
    await run(carol, 'mona lisa');
    await t.clock.advance(2 * STEP);
    expect(await runningRound(t.app, 'terminal:c1')).toBeUndefined();

    const created = await run(host, '/event create name:Friday deck:masterpieces rounds:2 mode:experiment start:"in 30m" items:mona-lisa,starry-night');
    const ann = created[0]!;
    expect(plainText(ann.title!)).toBe('📅 Friday');
    expect(plainText(ann.text)).toContain('Deck Masterpieces · 2 rounds · experiment · 15 s per step');
    // The start as a time mark (30 min after 00:01:45, when carol's round ended): the terminal shows it in UTC.
    expect(plainText(ann.text)).toContain('Starts 2026-01-01 00:31 UTC.');
    expect(ann.buttons?.map((b) => b.id)).toEqual(['event:action=join']);

    expect(text(await run(alice, '/event join'))).toContain('You joined Friday.');
    await run(bob, '/event join');
    // /play is still free before the event starts; a second event is not.
    expect(text(await run(host, '/event create name:Other'))).toContain('already has an event');
    const status = text(await run(bob, '/event status'));
    expect(status).toContain('2 players joined');

    const before = sink.updates.length;
    await t.clock.advance(30 * MIN);
    // Started: round 1's first step is out, and /play is refused while the event runs.
    expect(sink.updates.slice(before).map((u) => `${u.update.kind}:${u.update.step}`)).toEqual(['step:1']);
    expect(text(await run(carol, '/play'))).toContain('An event is running in this channel');

    await run(alice, 'mona lisa'); // step 1: 6 + 2 (first) = 8
    await t.clock.advance(2 * STEP);
    await run(bob, 'mona lisa'); // step 3: 4
    await t.clock.advance(5 * STEP); // steps 4..6, the last window, the end
    const brk = notices().at(-1)!;
    expect(plainText(brk.title!)).toBe('Friday: 1 of 2 rounds played');
    expect(plainText(brk.text)).toContain('1. alice: 8 points');
    expect(plainText(brk.text)).toContain('2. bob: 4 points');
    expect(plainText(brk.text)).toContain('Round 2 of 2 starts 2026-01-01 00:33 UTC.');
    expect(text(await run(carol, '/event status'))).toContain('Break: round 2 of 2 is next.');

    await t.clock.advance(10_000); // the break
    await t.clock.advance(STEP);
    await run(bob, 'the starry night'); // step 2: 5 + 2 = 7
    await t.clock.advance(3 * STEP);
    await run(alice, 'starry night'); // step 5: 2
    await t.clock.advance(3 * STEP);

    const [podium, board, report] = notices().slice(-3);
    expect(plainText(podium!.title!)).toBe('🏆 Friday: the podium');
    expect(plainText(podium!.text)).toBe('1. bob: 11 points\n2. alice: 10 points');
    expect(plainText(board!.text)).toBe('1. bob: 11 points\n2. alice: 10 points');
    const rt = plainText(report!.text).split('\n');
    expect(rt[0]).toBe('1. Mona Lisa (2 players): 2×2 1 · 4×4 0 · 8×8 1 · 16×16 0 · 32×32 0 · 64×64 0');
    expect(rt[1]).toBe('2. The Starry Night (2 players): 2×2 0 · 4×4 1 · 8×8 0 · 16×16 0 · 32×32 1 · 64×64 0');
    // Event: 4 attempts known at 1, 2, 3, 5 → 25 50 75 75 100 100 %. All time adds carol's first
    // encounter (known at 6): 20 40 60 60 80 100 %.
    expect(rt[2]).toBe('Knew a picture by each step (2×2 … 64×64): this event 25% 50% 75% 75% 100% 100%; all time, same pictures 20% 40% 60% 60% 80% 100%.');
    expect(rt[3]).toBe("This event's threshold: 4×4 (all time: 8×8).");

    const figures = await t.app.events.report((await t.app.store.db.selectFrom('events').select('id').executeTakeFirstOrThrow()).id);
    expect(figures.event).toMatchObject({ attempts: 4, recognised: 4, threshold: 2, perStep: [1, 1, 1, 0, 1, 0] });
    expect(figures.allTime).toMatchObject({ attempts: 5, recognised: 5, threshold: 3, perStep: [1, 1, 1, 0, 1, 1] });

    // The images are real PNGs: the podium's first place block is gold, the report is the table over the chart.
    const pod = await png(podium!.images![0]!.data);
    expect(pod.info.width).toBe(800);
    const at = (x: number, y: number) => [...pod.px.subarray((y * pod.info.width + x) * pod.info.channels, (y * pod.info.width + x) * pod.info.channels + 3)];
    expect(at(400 - 90, 385)).toEqual([0xf5, 0xc5, 0x42]); // 1st (bob): gold, in the middle
    expect(at(140 - 90, 385)).toEqual([0xc0, 0xc7, 0xd1]); // 2nd (alice): silver, on the left
    expect(at(660 - 90, 385)).toEqual([0x14, 0x19, 0x23]); // no third player: background
    const rep = await sharp(report!.images![0]!.data).metadata();
    expect(rep).toMatchObject({ format: 'png', width: 800, height: 70 + 40 + 2 * 34 + 20 + 500 });

    expect(text(await run(carol, '/event status'))).toContain('Finished.');
    expect(text(await run(carol, '/play'))).not.toContain('An event is running');
  });

  it('adds up team scores, and joins the smaller team by default', async () => {
    await run(host, '/event create name:Teams rounds:1 teams:2 items:the-scream start:now');
    const ann = (await run(carol, '/event status'))[0]!;
    expect(plainText(ann.text)).toContain('0 players joined');
    expect(text(await run(alice, '/event join team:blue'))).toContain('team Blue');
    expect(text(await run(bob, '/event join'))).toContain('team Red'); // red has fewer members
    expect(text(await run(carol, '/event join team:2'))).toContain('team Blue');
    expect(text(await run(carol, '/event join team:7'))).toContain('Teams here are 1 to 2');
    await t.clock.advance(5_000); // "now" leaves five seconds to join
    await run(alice, 'the scream'); // race, step 1: 6, ends the round
    await t.clock.advance(1_000);
    const [podium, board] = notices().slice(-3);
    expect(plainText(podium!.fields![0]!.value)).toBe('Blue: 6 points (2 players)\nRed: 0 points (1 player)');
    expect(plainText(board!.text)).toContain('1. alice: 6 points · Blue');
    const img = await sharp(podium!.images![0]!.data).metadata();
    expect(img.height).toBe(420 + 70 + 2 * 40);
  });

  it('continues an event after a restart in the middle of a round and of a break', async () => {
    await run(host, '/event create name:Restart rounds:2 mode:experiment items:the-kiss,the-scream start:"in 1m"');
    await t.clock.advance(MIN);
    await run(alice, 'the kiss'); // step 1: 8
    await t.clock.advance(2 * STEP);
    // The process stops mid-round: a new app on the same database (and clock) takes over.
    const dir = t.dir;
    await t.app.close();
    sink = new RecordingSink();
    t = await makeTestApp({ databasePath: db.location, clock: t.clock, dir });
    t.app.sinks.register('terminal', sink);
    await t.app.game.recover({ platform: 'terminal' });
    await t.app.events.recover({ platform: 'terminal' });
    await t.clock.advance(5 * STEP);
    expect(plainText(notices().at(-1)!.title!)).toBe('Restart: 1 of 2 rounds played');
    // And again, during the break.
    await t.app.close();
    sink = new RecordingSink();
    t = await makeTestApp({ databasePath: db.location, clock: t.clock, dir });
    t.app.sinks.register('terminal', sink);
    await t.app.game.recover({ platform: 'terminal' });
    await t.app.events.recover({ platform: 'terminal' });
    await t.clock.advance(10_000);
    expect(sink.kinds()).toEqual(['step:1']);
    await run(bob, 'the scream'); // step 1 of round 2: 8
    await t.clock.advance(7 * STEP);
    const [podium] = notices().slice(-3);
    expect(plainText(podium!.text)).toBe('1. alice: 8 points\n1. bob: 8 points');
  });

  it('refuses what is wrong, clearly, and lets the host cancel', async () => {
    expect(text(await run(alice, '/event create name:x'))).toContain('Only a host');
    expect(text(await run(host, '/event create start:yesterday'))).toContain("can't read the start time");
    expect(text(await run(host, '/event create start:2025-01-01T10:00Z'))).toContain('has passed');
    expect(text(await run(host, '/event create teams:1'))).toContain('teams must be 0');
    expect(text(await run(host, '/event create items:mona-lisa,mona-lisa'))).toContain('twice');
    expect(text(await run(host, '/event create deck:landmarks rounds:9'))).toContain('only 5 pictures');
    expect(text(await run(alice, '/event join'))).toContain('There is no event');
    await run(host, '/event create name:Later start:"in 2h"');
    expect(text(await run(alice, '/event cancel'))).toContain('Only a host');
    expect(text(await run(alice, '/event leave'))).toContain('had not joined');
    expect(text(await run(host, '/event cancel'))).toContain('Later was cancelled');
    await t.clock.advance(3 * 3_600_000);
    expect(sink.updates).toHaveLength(0);
  });
});
