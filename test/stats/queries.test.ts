/**
 * Every figure on the fixture (./fixture.ts), computed by hand in the comments, through the real
 * SQL on a real SQLite file and a real PostgreSQL database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/core/commands/define.ts';
import { loadDecks } from '../../src/images/decks.ts';
import type { Store } from '../../src/storage/store.ts';
import { explain, pictureAttempts, serverTotals, statsQueries, wrongGuesses } from '../../src/stats/queries.ts';
import { StatsService } from '../../src/stats/service.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';
import { caller } from '../fakes/test-app.ts';
import { A, B, seedFixture, uid } from './fixture.ts';

const inA = (name = 'asker', over: Partial<Caller> = {}) => caller(name, { scopeId: A, ...over });

describe.each(engines)('statistics on $name', (engine) => {
  let d: TestDatabase;
  let store: Store;
  let stats: StatsService;

  beforeAll(async () => {
    d = await engine.create();
    store = await d.open();
    await seedFixture(store);
    stats = new StatsService({ store, decks: await loadDecks(), clock: new FakeClock() });
  });

  afterAll(async () => {
    await store.close();
    await d.drop();
  });

  const close = (actual: number[], expected: number[]) => expected.forEach((v, i) => expect(actual[i], `step ${i + 1}`).toBeCloseTo(v, 4));

  describe('one picture: mona-lisa', () => {
    it('the curve everywhere: first encounters only, running rounds left out, cut-short attempts censored', async () => {
      const s = await stats.picture(inA(), 'mona-lisa');
      const e = s.everywhere;
      // First encounters in ended rounds: p1..p5 (R1), p7, p6 (R2), p9, p10, p8 (R3) = 10.
      // p1's second encounter (R2, correct at 2×2) and the running R4 (p11 correct at 2×2) do not count.
      expect(e.attempts).toBe(10);
      // Recognised: p1 2, p2 3, p3 4, p4 5 (R1); p6 2 (R2); p8 4 (R3).
      expect(e.recognised).toBe(6);
      expect(e.perStep).toEqual([0, 2, 1, 2, 1, 0]);
      expect(e.cumulative).toEqual([0, 2, 3, 5, 6, 6]);
      // Never: p5 saw all six steps; p7 (interrupted at step 4), p9 and p10 (race won at step 4) were cut short.
      expect(e.cut).toBe(3);
      // Kaplan–Meier by hand: at risk 10, 10, 8, 7, 2, 1; recognised 0, 2, 1, 2, 1, 0.
      // not yet: 1, .8, .8×7/8 = .7, .7×5/7 = .5, .5×1/2 = .25, .25 → curve 0, .2, .3, .5, .75, .75.
      close(e.share, [0, 0.2, 0.3, 0.5, 0.75, 0.75]);
      // Recognition steps 2,2,3,4,4,5: the 3rd and 4th differ (3 and 4), so the lower: 3 (8×8).
      expect(e.threshold).toBe(3);
      // |2-3|×2 + |3-3| + |4-3|×2 + |5-3| = 6, over 6.
      expect(e.instability).toBeCloseTo(1, 10);
      // Played in A (R1) and B (R2, R3); R4 is still running.
      expect(s.servers).toBe(2);
      expect(s.picture).toMatchObject({ deckId: 'masterpieces', itemId: 'mona-lisa', famous: true });
    });

    it('the curve per server: this server (A) and the other (B)', async () => {
      const a = (await stats.picture(inA(), 'mona-lisa')).here;
      // A: p1 2, p2 3, p3 4, p4 5, p5 never (full) → 5 attempts, no cuts.
      expect(a).toMatchObject({ attempts: 5, recognised: 4, cut: 0, threshold: 3, perStep: [0, 1, 1, 1, 1, 0] });
      close(a.share, [0, 0.2, 0.4, 0.6, 0.8, 0.8]);
      expect(a.instability).toBeCloseTo(1, 10); // (1 + 0 + 1 + 2) / 4

      const b = (await stats.picture(inA('b-asker', { scopeId: B }), 'mona-lisa')).here;
      // B: p7 never (cut at 4), p6 2, p9 never (cut 4), p10 never (cut 4), p8 4. p1's R2 is a second encounter.
      expect(b).toMatchObject({ attempts: 5, recognised: 2, cut: 3, threshold: 2, perStep: [0, 1, 0, 1, 0, 0] });
      // At risk 5, 5, 4, 4, 0, 0 → not yet 1, .8, .8, .6, .6, .6.
      close(b.share, [0, 0.2, 0.2, 0.4, 0.4, 0.4]);
      expect(b.instability).toBeCloseTo(1, 10); // (0 + 2) / 2

      // A server that never played it.
      const none = (await stats.picture(inA('c', { scopeId: 'terminal:s3' }), 'mona-lisa')).here;
      expect(none).toMatchObject({ attempts: 0, threshold: null });
    });

    it('what people saw before they knew: top wrong guesses per step, by distinct players', async () => {
      const s = await stats.picture(inA(), 'masterpieces/mona-lisa');
      expect(s.wrong).toEqual([
        // 2×2: sunset by p1 (twice, two rounds: once) and p7 = 2; face, sky, tree 1 each → alphabetical, top 3.
        // The running round's "tree" (p5) would have made tree 2.
        { step: 1, text: 'sunset', players: 2 },
        { step: 1, text: 'face', players: 1 },
        { step: 1, text: 'sky', players: 1 },
        { step: 2, text: 'sky', players: 1 },
        { step: 2, text: 'sunset', players: 1 },
        { step: 3, text: 'sunset', players: 1 },
        { step: 3, text: 'woman', players: 1 },
        // "lisa" was close, not wrong; the empty text at 32×32 is skipped.
        { step: 4, text: 'car', players: 1 },
        { step: 4, text: 'lady', players: 1 },
      ]);
    });

    it('names a picture by id, deck/id, or its English or Chinese name; anything else is a clear error', async () => {
      for (const t of ['mona-lisa', 'masterpieces/mona-lisa', 'Mona Lisa', '蒙娜丽莎', '  MONA-LISA ']) {
        expect(stats.resolvePicture(t)).toEqual({ deckId: 'masterpieces', itemId: 'mona-lisa' });
      }
      await expect(stats.picture(inA(), 'no-such-picture')).rejects.toMatchObject({ code: 'stats-unknown-picture' });
      await expect(stats.picture(inA(), 'flags/mona-lisa')).rejects.toMatchObject({ code: 'stats-unknown-picture' });
    });

    it('a picture nobody has played', async () => {
      const s = await stats.picture(inA(), 'starry-night');
      expect(s.everywhere).toMatchObject({ attempts: 0, recognised: 0, threshold: null });
      expect(s.wrong).toEqual([]);
      expect(s.servers).toBe(0);
    });
  });

  describe('a deck, a server, a player', () => {
    it('the deck threshold table, earliest threshold first', async () => {
      const d = await stats.deck(inA(), 'masterpieces');
      // mona-lisa threshold 3 (above); the-kiss: p3 2, q1 4, q2 4 → 3 recognisers, needs 2 → step 4.
      expect(d.pictures.map((p) => [p.picture.itemId, p.everywhere.threshold, p.everywhere.attempts, p.here.attempts])).toEqual([
        ['mona-lisa', 3, 10, 5],
        ['the-kiss', 4, 3, 3],
      ]);
      expect(d.pictures[1]!.everywhere.instability).toBeCloseTo(2 / 3, 10); // (2 + 0 + 0) / 3
      expect(d.unplayed).toBe(10); // 12 pictures, 2 played
      await expect(stats.deck(inA(), 'nope')).rejects.toMatchObject({ code: 'unknown-deck' });
    });

    it('this server: totals and its most played pictures', async () => {
      const s = await stats.server(inA());
      // A: R1, R5, R6, R7 ended (R4 is running). Guesses 14 + 3 + 2 + 2 = 21.
      // Players p1 p2 p3 p4 p5 q1 q2 r1 r2 = 9.
      expect(s).toMatchObject({ rounds: 4, guesses: 21, players: 9, pictureCount: 4 });
      // By attempts here: mona-lisa 5, the-kiss 3, then ad and chrysanthemums 2 each (ad's threshold 3 < 5).
      expect(s.pictures.map((p) => [p.picture.itemId, p.here.attempts, p.here.threshold, p.everywhere.threshold])).toEqual([
        ['mona-lisa', 5, 3, 3],
        ['the-kiss', 3, 4, 4],
        ['ad', 2, 3, 3],
        ['caillebotte-chrysanthemums', 2, 5, 5],
      ]);
      const b = await stats.server(inA('b', { scopeId: B }));
      // B: R2, R3; guesses 4 + 3; players p7 p1 p6 p9 p10 p8.
      expect(b).toMatchObject({ rounds: 2, guesses: 7, players: 6, pictureCount: 1 });
      expect(await stats.server(inA('c', { scopeId: 'terminal:nowhere' }))).toMatchObject({ rounds: 0, pictures: [] });
    });

    it("a player's personal threshold against everyone's on the same pictures", async () => {
      // p3: mona-lisa at 4 (R1), the-kiss at 2 (R5), ad never (R6) → 3 pictures, 2 recognised.
      // Mine: 2, 4 → lower median 2. Everyone on mona-lisa + the-kiss: [0,2,1,2,1,0] + [0,1,0,2,0,0]
      // = [0,3,1,4,1,0], 9 recognisers, needs 5 → step 4. (Adding ad's q1 at 3 would make it 3.)
      // mona-lisa's threshold 3 < 4 → later; the-kiss's 4 > 2 → earlier.
      expect(await stats.me(inA('p3'))).toEqual({ pictures: 3, recognised: 2, median: 2, everyone: 4, earlier: 1, same: 0, later: 1 });
      // p1: first encounter R1 at 2 (the 2×2 in R2 was a second encounter); mona-lisa's threshold is 3.
      expect(await stats.me(inA('p1'))).toEqual({ pictures: 1, recognised: 1, median: 2, everyone: 3, earlier: 1, same: 0, later: 0 });
      // p5 never recognised anything; p11 only played the running round.
      expect(await stats.me(inA('p5'))).toMatchObject({ pictures: 1, recognised: 0, median: null, everyone: null });
      expect(await stats.me(inA('p11'))).toMatchObject({ pictures: 0, recognised: 0, median: null });
    });
  });

  describe('the knowledge effect', () => {
    it('famous beside less-known pictures, flags beside paintings', async () => {
      const k = await stats.knowledge(inA());
      const g = Object.fromEntries(k.groups.map((x) => [x.id, x]));
      // Famous: mona-lisa (10) + the-kiss (3) = 13 attempts; recognised at [0,3,1,4,1,0] → threshold 4.
      expect(g.famous).toMatchObject({ pictures: 2, curve: { attempts: 13, recognised: 9, cut: 3, threshold: 4 } });
      expect(g.famous!.curve.perStep).toEqual([0, 3, 1, 4, 1, 0]);
      // At risk 13, 13, 10, 9, 2, 1 → not yet 10/13, ×9/10 = 9/13, ×5/9 = 5/13, ×1/2 = 2.5/13.
      close(g.famous!.curve.share, [0, 3 / 13, 4 / 13, 8 / 13, 10.5 / 13, 10.5 / 13]);
      expect(g.famous!.curve.instability).toBeCloseTo(8 / 9, 10); // (2×3 + 1 + 0 + 1) / 9
      // Less known: ad (q1 at 3, p3 never) + chrysanthemums (r1 at 5, r2 never) = 4 attempts, no cuts.
      expect(g['less-known']).toMatchObject({ pictures: 2, curve: { attempts: 4, recognised: 2, threshold: 3, instability: 1 } });
      close(g['less-known']!.curve.share, [0, 0, 0.25, 0.25, 0.5, 0.5]);
      // Flags: ad only.
      expect(g.flags).toMatchObject({ pictures: 1, curve: { attempts: 2, recognised: 1, threshold: 3, instability: 0 } });
      close(g.flags!.curve.share, [0, 0, 0.5, 0.5, 0.5, 0.5]);
      // Paintings: mona-lisa, the-kiss and the chrysanthemums: 15 attempts, [0,3,1,4,2,0], 10 recognised → 4.
      expect(g.paintings).toMatchObject({ pictures: 3, curve: { attempts: 15, recognised: 10, threshold: 4 } });
      // At risk 15, 15, 12, 11, 4, 2 → not yet .8, .8×11/12, ×7/11, ×1/2.
      close(g.paintings!.curve.share, [0, 0.2, 1 - 0.8 * (11 / 12), 1 - 0.8 * (7 / 12), 1 - 0.8 * (7 / 24), 1 - 0.8 * (7 / 24)]);
    });
  });

  describe('the SQL', () => {
    it('reads the recognition counts by index, and guesses only for the wrong ones', async () => {
      const plan = async (q: Parameters<typeof explain>[1]) => (await explain(store.db, q, engine.name)).join('\n');
      const picture = await plan(statsQueries.picture('masterpieces', 'mona-lisa', A));
      const server = await plan(statsQueries.server(A));
      const wrong = await plan(statsQueries.wrong('masterpieces', 'mona-lisa'));
      for (const p of [picture, server]) expect(p).not.toMatch(/guesses/);
      if (engine.name === 'sqlite') {
        // PostgreSQL chooses by table size (a sequential scan of a tiny table); SQLite's choice is stable.
        expect(picture).toMatch(/SEARCH rc USING INDEX sqlite_autoindex_recognition_counts_1 \(deck_id=\? AND item_id=\? AND scope_id=\?\)/);
        expect(server).toMatch(/SEARCH rc USING COVERING INDEX recognition_counts_scope \(scope_id=\?\)/);
        for (const p of [picture, server]) expect(p).not.toMatch(/ rounds| r /);
        expect(wrong).toMatch(/COVERING INDEX guesses_wrong \(deck_id=\? AND item_id=\?\)/);
        // Migration 0500: a server's guesses through guesses_scope, not through its rounds.
        expect(await plan(statsQueries.serverGuesses(A))).toMatch(/SEARCH g USING INDEX guesses_scope \(scope_id=\?\)/);
      } else {
        expect(picture).toMatch(/recognition_counts/);
      }
    });

    it('returns a few grouped rows, not one per guess', async () => {
      const rows = await pictureAttempts(store.db, 'masterpieces', 'mona-lisa', A);
      // Outcomes: recognised at 2, 3, 4, 5 and never-after-4, never-after-6 → 6 rows.
      expect(rows.length).toBe(6);
      expect(rows.reduce((a, r) => a + r.n, 0)).toBe(10);
      expect(await wrongGuesses(store.db, 'masterpieces', 'mona-lisa', 1)).toHaveLength(4);
    });

    it("a server's totals count the guesses of its ended rounds, as reached through its rounds", async () => {
      // Migration 0500 reads a server's guesses by the guess's own server (guesses_scope); the figures are
      // the ones reached through the server's rounds, and a running round's guesses stay out.
      for (const scope of [A, B]) {
        const byRounds = await store.db
          .selectFrom('rounds as r')
          .innerJoin('guesses as g', 'g.round_id', 'r.id')
          .select((eb) => [eb.fn.count<number>('g.id').as('guesses'), eb.fn.count<number>('g.player_id').distinct().as('players')])
          .where('r.scope_id', '=', scope)
          .where('r.status', '<>', 'running')
          .executeTakeFirstOrThrow();
        const totals = await serverTotals(store.db, scope);
        expect(totals.guesses).toBeGreaterThan(0);
        expect({ guesses: totals.guesses, players: totals.players }).toEqual({ guesses: Number(byRounds.guesses), players: Number(byRounds.players) });
      }
      const running = await store.db.selectFrom('rounds').select('scope_id').where('status', '=', 'running').execute();
      expect(running.length).toBeGreaterThan(0);
    });

    it('stores only normalised text: what is counted is the text_norm column', async () => {
      const row = await store.db.selectFrom('guesses').select('text_norm').where('player_id', '=', uid('p4')).where('verdict', '=', 'close').executeTakeFirstOrThrow();
      expect(row.text_norm).toBe('lisa');
    });
  });
});
