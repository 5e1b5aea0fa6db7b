import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { UserError } from '../../src/core/errors.ts';
import { plainText } from '../../src/core/reply.ts';
import { caller, makeTestApp, runningRound, type TestApp } from '../fakes/test-app.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';
import type { RoundSink, RoundUpdate } from '../../src/runtime/sink.ts';

let t: TestApp;
let sink: RecordingSink;
let db: TestDatabase;

const host = caller('host', { isHost: true });
const ann = caller('ann');
const bob = caller('bob');
const cat = caller('cat');

async function stepImage(i: number) {
  const img = sink.updates[i]!.update.reply.images![0]!;
  const meta = await sharp(img.data).metadata();
  return { name: img.name, format: meta.format, width: meta.width, height: meta.height };
}

/** A write the database refuses, as a full disk or an I/O error would: a trigger, in each engine's dialect. */
async function failWrites(name: string, on: string, when: string | null): Promise<void> {
  if (db.engine === 'sqlite') {
    const cond = when ? ` WHEN ${when}` : '';
    await sql.raw(`CREATE TRIGGER ${name} ${on}${cond} BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`).execute(t.app.store.db);
    return;
  }
  await sql.raw(`CREATE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk I/O error'; END $$ LANGUAGE plpgsql`).execute(t.app.store.db);
  const cond = when ? ` WHEN (${when})` : '';
  await sql.raw(`CREATE TRIGGER ${name} ${on} FOR EACH ROW${cond} EXECUTE FUNCTION ${name}()`).execute(t.app.store.db);
}

async function dropTrigger(name: string, table: string): Promise<void> {
  await sql.raw(db.engine === 'sqlite' ? `DROP TRIGGER ${name}` : `DROP TRIGGER ${name} ON ${table}`).execute(t.app.store.db);
}

describe.each(engines)('on $name', (engine) => {
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

  describe('GameService: a whole race round', () => {
    it('posts steps on the clock, judges, commits, ends at the first correct guess', async () => {
      const out = await t.app.game.play(host, { deck: 'masterpieces', item: 'mona-lisa', mode: 'race' });
      expect(out).toMatchObject({ deckId: 'masterpieces', mode: 'race', stepSeconds: 15 });
      expect(sink.kinds()).toEqual(['step:1']);
      expect(await stepImage(0)).toEqual({ name: 'step-1.png', format: 'png', width: 512, height: 512 });

      await t.clock.advance(15_000);
      await t.clock.advance(15_000);
      expect(sink.kinds()).toEqual(['step:1', 'step:2', 'step:3']);
      expect(await t.app.game.guess(ann, 'sunset')).toMatchObject({ kind: 'judged', verdict: 'wrong', step: 3 });
      expect(await t.app.game.guess(bob, 'lisa')).toMatchObject({ kind: 'judged', verdict: 'close' });
      expect(await t.app.game.guess(ann, 'The Mona Lisa')).toMatchObject({
        kind: 'judged',
        verdict: 'correct',
        step: 3,
        points: 4,
        first: true,
        roundEnded: true,
      });
      expect(sink.kinds()).toEqual(['step:1', 'step:2', 'step:3', 'recap:3']);
      const recap = sink.updates[3]!.update.reply;
      expect(plainText(recap.title!)).toContain('Mona Lisa');
      expect(plainText(recap.text)).toContain('ann');
      expect(recap.footer).toMatch(/Leonardo/);
      expect((await sharp(recap.images![0]!.data).metadata()).format).toBe('png');
      expect(await runningRound(t.app, host.channelId)).toBeUndefined();
      // Right, just after the winner: recorded, and told who got there first (no points, no win).
      expect(await t.app.game.guess(bob, 'mona lisa')).toEqual({ kind: 'late', step: 3, winner: 'ann' });
      expect(await t.app.game.guess(cat, 'sunset')).toEqual({ kind: 'refused', reason: 'ended' });
      await t.clock.advance(60_000);
      expect(await t.app.game.guess(cat, 'mona lisa').catch((e: UserError) => e.code)).toBe('no-round');

      const board = await t.app.store.leaderboard('channel', host.channelId);
      expect(board).toEqual([{ playerId: 'terminal:ann', name: 'ann', points: 4, wins: 1, solved: 1 }]);
      const guesses = await t.app.store.db.selectFrom('guesses').select(['player_id', 'step', 'verdict', 'text_norm']).orderBy('id').execute();
      expect(guesses.map((g) => [g.player_id, g.verdict])).toEqual([
        ['terminal:ann', 'wrong'],
        ['terminal:bob', 'close'],
        ['terminal:ann', 'correct'],
        ['terminal:bob', 'correct'],
      ]);
    });

    it('refuses a second round in the same channel and unknown decks or items', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      await expect(t.app.game.play(host, {})).rejects.toMatchObject({ code: 'round-running' });
      const other = caller('host', { isHost: true, channelId: 'terminal:c2' });
      await expect(t.app.game.play(other, { deck: 'nope' })).rejects.toMatchObject({ code: 'unknown-deck' });
      await expect(t.app.game.play(other, { item: 'nope' })).rejects.toMatchObject({ code: 'unknown-item' });
    });
  });

  describe('GameService: an experiment round with three players', () => {
    it('runs all six steps, scores each by step, bonus to the first, recap table', async () => {
      await t.app.game.play(host, { deck: 'masterpieces', item: 'starry-night', mode: 'experiment' });
      for (let i = 0; i < 4; i++) await t.clock.advance(15_000); // step 5
      expect(await t.app.game.guess(ann, 'starry night')).toMatchObject({ verdict: 'correct', step: 5, points: 4, first: true });
      await t.clock.advance(15_000); // step 6
      expect(await t.app.game.guess(bob, '星月夜')).toMatchObject({ verdict: 'correct', step: 6, points: 1, first: false });
      expect(await t.app.game.guess(cat, 'sunflowers')).toMatchObject({ verdict: 'wrong' });
      expect((await runningRound(t.app, host.channelId))?.status).toBe('running');
      await t.clock.advance(15_000); // last window
      await t.clock.advance(15_000); // reveal
      expect(sink.kinds()).toEqual(['step:1', 'step:2', 'step:3', 'step:4', 'step:5', 'step:6', 'final:7', 'recap:6']);
      const recap = sink.updates.at(-1)!.update.reply;
      const table = recap.fields!.map((f) => plainText(f.value)).join('\n');
      expect(table).toContain('32×32: 1 new · 1 of 3 by then');
      expect(table).toContain('64×64: 1 new · 2 of 3 by then');
      const board = await t.app.store.leaderboard('server', host.scopeId);
      expect(board.map((r) => [r.name, r.points])).toEqual([
        ['ann', 4],
        ['bob', 1],
      ]);
    });
  });

  describe('GameService: simultaneous correct guesses', () => {
    it('give exactly one winner, in memory and in the database', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      const results = await Promise.all([
        t.app.game.guess(ann, 'mona lisa').catch((e: UserError) => e.code),
        t.app.game.guess(bob, 'mona lisa').catch((e: UserError) => e.code),
        t.app.game.guess(cat, 'mona lisa').catch((e: UserError) => e.code),
      ]);
      const winners = results.filter((r) => typeof r === 'object' && r.kind === 'judged' && r.first);
      expect(winners).toHaveLength(1);
      const firsts = await t.app.store.db.selectFrom('guesses').select('player_id').where('first', '=', 1).execute();
      expect(firsts).toHaveLength(1);
      const recaps = sink.updates.filter((u) => u.update.kind === 'recap');
      expect(recaps).toHaveLength(1);
    });
  });

  describe('GameService: guesses arriving together (group commit)', () => {
    const inC2 = (name: string) => caller(name, { channelId: 'terminal:c2' });
    const committed = async (player: string) =>
      (await t.app.store.db.selectFrom('guesses').select('text_norm').where('player_id', '=', `terminal:${player}`).execute()).map((r) => r.text_norm);

    it('in one channel and another at once: each is committed before its answer, and the limit of 3 a step holds within a batch', async () => {
      await t.app.game.play(host, { item: 'mona-lisa', mode: 'experiment' });
      await t.app.game.play(caller('host', { isHost: true, channelId: 'terminal:c2' }), { item: 'the-kiss', mode: 'experiment' });
      const seenAtAnswer: string[][] = [];
      const answers = await Promise.all([
        ...['one', 'two', 'three', 'four', 'five'].map((w) => t.app.game.guess(ann, w)),
        t.app.game.guess(inC2('bob'), 'sunset').then(async (a) => (seenAtAnswer.push(await committed('bob')), a)),
        t.app.game.guess(inC2('cat'), 'the kiss'),
      ]);
      expect(answers.slice(0, 5).map((a) => a.kind)).toEqual(['judged', 'judged', 'judged', 'refused', 'refused']);
      expect(answers[3]).toEqual({ kind: 'refused', reason: 'limit' });
      expect(await committed('ann')).toEqual(['one', 'two', 'three']);
      expect(seenAtAnswer).toEqual([['sunset']]);
      expect(answers[6]).toMatchObject({ kind: 'judged', verdict: 'correct', first: true, points: 8 });
      const rows = await t.app.store.db.selectFrom('round_players').select(['player_id', 'guesses']).orderBy('player_id').execute();
      expect(rows).toEqual([
        { player_id: 'terminal:ann', guesses: 3 },
        { player_id: 'terminal:bob', guesses: 1 },
        { player_id: 'terminal:cat', guesses: 1 },
      ]);
    });

    it('a race won within a batch: one winner; a correct guess after it in the same batch is a late one', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      const answers = await Promise.all([t.app.game.guess(ann, 'sunset'), t.app.game.guess(bob, 'mona lisa'), t.app.game.guess(cat, 'mona lisa')]);
      expect(answers.map((a) => a.kind)).toEqual(['judged', 'judged', 'late']);
      expect(answers[1]).toMatchObject({ first: true, roundEnded: true });
      expect(await t.app.store.db.selectFrom('guesses').select('player_id').where('first', '=', 1).execute()).toEqual([{ player_id: 'terminal:bob' }]);
      expect(sink.updates.filter((u) => u.update.kind === 'recap')).toHaveLength(1);
    });

    it('a guess the database refuses fails alone: the others of its batch are committed', async () => {
      await t.app.game.play(host, { item: 'mona-lisa', mode: 'experiment' });
      await failWrites('no_bob', 'BEFORE INSERT ON guesses', `NEW.player_id = 'terminal:bob'`);
      const answers = await Promise.allSettled([t.app.game.guess(ann, 'sunset'), t.app.game.guess(bob, 'sky'), t.app.game.guess(cat, 'lady')]);
      expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((answers[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'not-saved' });
      expect(await committed('ann')).toEqual(['sunset']);
      expect(await committed('bob')).toEqual([]);
      expect(await committed('cat')).toEqual(['lady']);
      const players = await t.app.store.db.selectFrom('round_players').select('player_id').orderBy('player_id').execute();
      expect(players.map((p) => p.player_id)).toEqual(['terminal:ann', 'terminal:cat']);
    });
  });

  describe('GameService: guess limits, skip and stop', () => {
    it('allows 3 guesses per step', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      for (let i = 0; i < 3; i++) expect((await t.app.game.guess(ann, `wrong ${i}`)).kind).toBe('judged');
      expect(await t.app.game.guess(ann, 'mona lisa')).toEqual({ kind: 'refused', reason: 'limit' });
      await t.app.game.skip(host);
      expect(await t.app.game.guess(ann, 'mona lisa')).toMatchObject({ verdict: 'correct', step: 2 });
    });

    it('stop ends the round and reveals', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      await t.app.game.skip(host);
      await t.app.game.stop(host);
      expect(sink.kinds()).toEqual(['step:1', 'step:2', 'recap:2']);
      expect(plainText(sink.updates[2]!.update.reply.text)).toMatch(/stopped/);
      expect((await t.app.store.round(sink.updates[0]!.update.roundId))!.status).toBe('ended');
    });

    it('a failing platform does not break the round', async () => {
      sink.failNext = 1;
      await t.app.game.play(host, { item: 'mona-lisa' });
      await t.clock.advance(15_000);
      expect(sink.kinds()).toEqual(['step:2']);
    });
  });

  describe('GameService: a crash resumes the round; it does not end it', () => {
    /** A second process on the same database, `ms` after the first one's clock: the first died (no shutdown). */
    async function secondProcess(ms: number) {
      const clock = new FakeClock(t.clock.now() + ms);
      const t2 = await makeTestApp({ dir: t.dir, databasePath: t.dbPath, clock });
      const sink2 = new RecordingSink();
      t2.app.sinks.register('terminal', sink2);
      return { t2, sink2, clock };
    }

    it('another process picks the round up within the window: same round, next step, guesses and limits kept', async () => {
      await t.app.game.play(host, { item: 'mona-lisa', mode: 'experiment' });
      await t.clock.advance(15_000); // step 2, due to move at +30 s
      for (let i = 0; i < 3; i++) await t.app.game.guess(ann, `wrong ${i}`);
      await t.app.game.guess(bob, 'mona lisa');
      const roundId = sink.updates[0]!.update.roundId;
      // The process dies at +16 s. A new one starts at +35 s: the lease (15 s) has expired, the step is 5 s overdue.
      const { t2, sink2, clock } = await secondProcess(20_000);
      expect(await t2.app.game.recover()).toEqual([]);
      await clock.advance(0);
      expect(sink2.kinds()).toEqual(['step:3']);
      expect(sink2.updates[0]!.update.roundId).toBe(roundId);
      // The limit of 3 guesses a step is per step: a new step, new guesses; the old ones are all kept.
      expect(await t2.app.game.guess(ann, 'mona lisa')).toMatchObject({ kind: 'judged', verdict: 'correct', step: 3, first: false });
      expect(await t2.app.game.guess(bob, 'mona lisa')).toEqual({ kind: 'refused', reason: 'solved' });
      for (let i = 0; i < 5; i++) await clock.advance(15_000);
      expect(sink2.kinds()).toEqual(['step:3', 'step:4', 'step:5', 'step:6', 'final:7', 'recap:6']);
      const recap = sink2.updates.at(-1)!.update.reply;
      expect(recap.fields!.map((f) => plainText(f.value)).join('\n')).toContain('4×4: 1 new · 1 of 2 by then');
      expect((await t2.app.store.round(roundId))!.status).toBe('ended');
      await t2.cleanup();
    });

    it('the limit of 3 guesses a step holds across processes', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      for (let i = 0; i < 3; i++) await t.app.game.guess(ann, `wrong ${i}`);
      const { t2 } = await secondProcess(1_000);
      expect(await t2.app.game.guess(ann, 'mona lisa')).toEqual({ kind: 'refused', reason: 'limit' });
      await t2.cleanup();
    });

    it('a starting process never closes the round of a live one', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      const { t2, sink2 } = await secondProcess(1_000);
      expect(await t2.app.game.recover()).toEqual([]);
      await t2.app.game.announceInterrupted();
      expect(sink2.kinds()).toEqual([]);
      await t.clock.advance(15_000);
      expect(sink.kinds()).toEqual(['step:1', 'step:2']);
      expect((await t.app.store.round(sink.updates[0]!.update.roundId))!.status).toBe('running');
      await t2.app.store.close();
    });

    it('a process restarted while the lease of the dead one still held takes the round on once the lease expires', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      const roundId = sink.updates[0]!.update.roundId;
      // Killed at once and restarted 1 s later: the lease (15 s) still holds, so the start takes nothing.
      const { t2, sink2, clock } = await secondProcess(1_000);
      expect(await t2.app.game.recover()).toEqual([]);
      await clock.advance(14_000);
      expect(sink2.kinds()).toEqual([]);
      // The heartbeat looks again: the lease has expired, the overdue step 2 is posted, within the window.
      await clock.advance(6_000);
      expect(sink2.kinds()).toEqual(['step:2']);
      expect(sink2.updates[0]!.update.roundId).toBe(roundId);
      expect(await t2.app.store.round(roundId)).toMatchObject({ status: 'running', step: 2, owner_id: t2.app.game.instanceId });
      await t2.cleanup();
    });

    it('a round picked up after the resume window is closed as interrupted, scores kept, channel told once', async () => {
      await t.app.game.play(host, { item: 'mona-lisa', mode: 'experiment' });
      await t.clock.advance(15_000);
      await t.app.game.guess(ann, 'mona lisa');
      const { t2, sink2 } = await secondProcess(10 * 60_000);
      const closed = await t2.app.game.recover();
      expect(closed).toHaveLength(1);
      expect(sink2.kinds()).toEqual(['recap:2']);
      expect(plainText(sink2.updates[0]!.update.reply.text)).toMatch(/interrupted/);
      expect((await t2.app.store.round(closed[0]!.id))!.status).toBe('interrupted');
      expect((await t2.app.store.leaderboard('global', ''))[0]).toMatchObject({ name: 'ann', points: 5 + 2 });
      await t2.app.game.announceInterrupted();
      expect(sink2.kinds()).toEqual(['recap:2']);
      // The channel is free for a new round.
      await t2.app.game.play(host, { item: 'the-kiss' });
      expect((await runningRound(t2.app, host.channelId))?.config.itemId).toBe('the-kiss');
      await t2.cleanup();
    });

    it('a recap that could not be delivered is delivered at the next start, once', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      await t.app.game.guess(ann, 'wrong');
      const later = await secondProcess(10 * 60_000);
      later.sink2.failNext = 1;
      expect(await later.t2.app.game.recover()).toHaveLength(1);
      expect(later.sink2.kinds()).toEqual([]);
      await later.t2.app.store.close();
      const again = await secondProcess(11 * 60_000);
      expect(await again.t2.app.game.recover()).toEqual([]);
      await again.t2.app.game.announceInterrupted();
      expect(again.sink2.kinds()).toEqual(['recap:1']);
      expect(plainText(again.sink2.updates[0]!.update.reply.text)).toMatch(/interrupted/);
      await again.t2.app.game.announceInterrupted();
      await again.clock.advance(60_000);
      expect(again.sink2.kinds()).toEqual(['recap:1']);
      await again.t2.cleanup();
    });

    it('shutdown hands the round over: it stays running, the channel hears it will go on, a restart resumes it', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      await t.app.game.shutdown();
      expect(sink.kinds()).toEqual(['step:1', 'notice:1']);
      expect(plainText(sink.updates[1]!.update.reply.text)).toMatch(/restarting/i);
      const roundId = sink.updates[0]!.update.roundId;
      expect(await t.app.store.round(roundId)).toMatchObject({ status: 'running', owner_id: null });
      await expect(t.app.game.play(host, { item: 'the-kiss' })).rejects.toMatchObject({ code: 'shutting-down' });
      // Restarted a little later, within the window: no lease to wait for.
      const { t2, sink2, clock } = await secondProcess(2_000);
      expect(await t2.app.game.recover()).toEqual([]);
      await clock.advance(15_000);
      expect(sink2.kinds()).toEqual(['step:2']);
      await t2.cleanup();
    });
  });

  describe('GameService: a recap is owed until it is delivered', () => {
    /** Another instance on the same database, with its own clock and sink. */
    async function otherInstance(ms = 0) {
      const clock = new FakeClock(t.clock.now() + ms);
      const t2 = await makeTestApp({ dir: t.dir, databasePath: t.dbPath, clock });
      const sink2 = new RecordingSink();
      t2.app.sinks.register('terminal', sink2);
      others.push(t2);
      return { t2, sink2, clock };
    }
    let others: TestApp[] = [];
    afterEach(async () => {
      for (const o of others) await o.cleanup();
      others = [];
    });
    async function owed(roundId: string): Promise<number> {
      const r = await t.app.store.db.selectFrom('rounds').select('announced').where('id', '=', roundId).executeTakeFirstOrThrow();
      return Number(r.announced);
    }

    it('a recap the platform refused is sent again by the heartbeat, once', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      const roundId = sink.updates[0]!.update.roundId;
      sink.failNext = 1;
      expect(await t.app.game.guess(ann, 'mona lisa')).toMatchObject({ verdict: 'correct', roundEnded: true });
      expect(sink.kinds()).toEqual(['step:1']);
      expect(await owed(roundId)).toBe(0);
      await t.clock.advance(10_000);
      expect(sink.kinds()).toEqual(['step:1', 'recap:1']);
      const recap = sink.updates[1]!.update.reply;
      expect(plainText(recap.title!)).toContain('Mona Lisa');
      expect(plainText(recap.text)).toContain('ann');
      expect((await sharp(recap.images![0]!.data).metadata()).format).toBe('png');
      expect(await owed(roundId)).toBe(0 + 1);
      await t.clock.advance(60_000);
      expect(sink.kinds()).toEqual(['step:1', 'recap:1']);
    });

    it('the instance that failed to send it is gone: another sends it, once, though two look at the same time', async () => {
      await t.app.game.play(host, { item: 'mona-lisa', mode: 'experiment' });
      await t.app.game.guess(ann, 'mona lisa');
      sink.failNext = 1;
      await t.app.game.stop(host);
      expect(sink.kinds()).toEqual(['step:1']);
      const b = await otherInstance(1_000);
      const c = await otherInstance(1_000);
      // Recovery names the rounds an instance looks after (here every platform); its heartbeat then looks for owed recaps.
      expect(await b.t2.app.game.recover()).toEqual([]);
      expect(await c.t2.app.game.recover()).toEqual([]);
      await Promise.all([b.clock.advance(10_000), c.clock.advance(10_000)]);
      const sent = [...b.sink2.updates, ...c.sink2.updates];
      expect(sent.map((u) => `${u.update.kind}:${u.update.step}`)).toEqual(['recap:1']);
      expect(plainText(sent[0]!.update.reply.text)).toMatch(/stopped/);
      expect(sent[0]!.update.reply.fields!.map((f) => plainText(f.value)).join('\n')).toContain('ann');
      // The first instance comes back to it: already delivered, nothing more.
      await t.clock.advance(30_000);
      await Promise.all([b.clock.advance(30_000), c.clock.advance(30_000)]);
      expect(sink.kinds()).toEqual(['step:1']);
      expect(b.sink2.updates.length + c.sink2.updates.length).toBe(1);
    });

    /** A sink that names the round message it posts (`msg-1`…) and can hold an update of a kind until released. */
    class RefSink implements RoundSink {
      readonly updates: RoundUpdate[] = [];
      readonly waiting = new Set<string>();
      private readonly gates = new Map<string, { promise: Promise<void>; open: () => void }>();
      private n = 0;
      hold(kind: RoundUpdate['kind']): () => void {
        let open!: () => void;
        const promise = new Promise<void>((r) => (open = r));
        this.gates.set(kind, { promise, open });
        return open;
      }
      async publish(_channelId: string, update: RoundUpdate): Promise<string | void> {
        const gate = this.gates.get(update.kind);
        if (gate) {
          this.gates.delete(update.kind);
          this.waiting.add(update.kind);
          await gate.promise;
          this.waiting.delete(update.kind);
        }
        this.updates.push(update);
        if ((update.kind === 'step' || update.kind === 'final') && !update.messageRef) return `msg-${++this.n}`;
      }
      kinds(): string[] {
        return this.updates.map((u) => `${u.kind}:${u.step}`);
      }
    }
    /** Polls for an outcome of work in flight (database round trips), with a generous deadline. */
    async function until(what: () => boolean): Promise<void> {
      const deadline = Date.now() + 60_000;
      while (!what()) {
        if (Date.now() > deadline) throw new Error('never happened');
        await new Promise<void>((r) => setTimeout(r, 2));
      }
    }

    it('a winner committed on another instance while step 1 is being posted: the round message is closed once it exists', async () => {
      const a = new RefSink();
      t.app.sinks.register('terminal', a);
      const b = await otherInstance();
      const bSink = new RefSink();
      b.t2.app.sinks.register('terminal', bSink);
      const release = a.hold('step');
      const playing = t.app.game.play(host, { item: 'mona-lisa' });
      await until(() => a.waiting.has('step'));
      expect(await b.t2.app.game.guess(ann, 'mona lisa')).toMatchObject({ verdict: 'correct', roundEnded: true });
      // The recap went out without a round message to close: there was none yet.
      expect(bSink.kinds()).toEqual(['recap:1']);
      expect(bSink.updates[0]!.messageRef).toBeNull();
      release();
      await playing;
      expect(a.kinds()).toEqual(['step:1', 'closed:1']);
      const closed = a.updates[1]!;
      expect(closed.messageRef).toBe('msg-1');
      expect(plainText(closed.reply.title!)).toContain('Mona Lisa');
      expect(closed.reply.images ?? []).toEqual([]);
      expect(bSink.kinds()).toEqual(['recap:1']);
    });

    it('step 1 posted while the recap is being sent: the instance that sent the recap closes the new round message', async () => {
      const a = new RefSink();
      t.app.sinks.register('terminal', a);
      const b = await otherInstance();
      const bSink = new RefSink();
      b.t2.app.sinks.register('terminal', bSink);
      const releaseStep = a.hold('step');
      const releaseRecap = bSink.hold('recap');
      const playing = t.app.game.play(host, { item: 'mona-lisa' });
      await until(() => a.waiting.has('step'));
      const guessing = b.t2.app.game.guess(ann, 'mona lisa');
      await until(() => bSink.waiting.has('recap'));
      releaseStep();
      await playing;
      expect(a.kinds()).toEqual(['step:1']);
      releaseRecap();
      expect(await guessing).toMatchObject({ verdict: 'correct', roundEnded: true });
      expect(bSink.kinds()).toEqual(['recap:1', 'closed:1']);
      expect(bSink.updates[0]!.messageRef).toBeNull();
      expect(bSink.updates[1]!.messageRef).toBe('msg-1');
      expect(a.kinds()).toEqual(['step:1']);
    });
  });

  describe('GameService: a failing store', () => {
    it('a guess that cannot be committed is refused honestly and not counted', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      await failWrites('no_guesses', 'BEFORE INSERT ON guesses', null);
      await expect(t.app.game.guess(ann, 'mona lisa')).rejects.toMatchObject({ code: 'not-saved' });
      expect(await t.app.store.db.selectFrom('round_players').selectAll().execute()).toEqual([]);
      await dropTrigger('no_guesses', 'guesses');
      expect(await t.app.game.guess(ann, 'mona lisa')).toMatchObject({ verdict: 'correct', first: true, roundEnded: true });
    });

    it('a round whose end cannot be written is not stuck: the step timer tries again, and the channel is freed', async () => {
      await t.app.game.play(host, { item: 'mona-lisa' });
      await failWrites('no_end', 'BEFORE UPDATE ON rounds', "NEW.status <> 'running'");
      await expect(t.app.game.stop(host)).rejects.toThrow();
      for (let i = 0; i < 7; i++) await t.clock.advance(15_000); // steps 2..6, the last window, then the end fails
      expect(sink.kinds()).toEqual(['step:1', 'step:2', 'step:3', 'step:4', 'step:5', 'step:6', 'final:7']);
      await dropTrigger('no_end', 'rounds');
      await t.clock.advance(5_000);
      expect(sink.kinds().at(-1)).toBe('recap:6');
      await t.app.game.play(host, { item: 'the-kiss' });
    });
  });
});
