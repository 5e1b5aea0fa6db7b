/**
 * recognition_counts (what the curves read) against the count it stands for, recomputed from
 * recognitions joined with rounds, after every kind of write that moves it: rounds ending, a late
 * correct guess in an ended round, a recognition deleted (forget-me), on both engines.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/store.ts';
import { forgetPlayer } from '../../src/stats/queries.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';
import { A, seedFixture, uid } from './fixture.ts';
import { seedStats } from '../../src/bench/stats.ts';

interface CountRow {
  deck_id: string;
  item_id: string;
  scope_id: string;
  known_step: number;
  seen: number;
  n: number;
}

const key = (r: CountRow) => `${r.deck_id}/${r.item_id}/${r.scope_id}/${r.known_step}/${r.seen}`;

async function stored(store: Store): Promise<Record<string, number>> {
  const rows = await store.db.selectFrom('recognition_counts').selectAll().where('n', '<>', 0).execute();
  return Object.fromEntries(rows.map((r) => [key(r), Number(r.n)]));
}

/** The same counts straight from recognitions and rounds: per server, and pooled under scope '' (every server). */
async function recomputed(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [scope, group] of [
    [sql`rc.scope_id`, sql`rc.scope_id,`],
    [sql`''`, sql``],
  ]) {
    const { rows } = await sql<CountRow>`
    SELECT rc.deck_id, rc.item_id, ${scope} AS scope_id, COALESCE(rc.known_step, 0) AS known_step,
           CASE WHEN rc.known_step IS NOT NULL THEN 6 WHEN r.step < 1 THEN 1 WHEN r.step > 6 THEN 6 ELSE r.step END AS seen,
           COUNT(*) AS n
    FROM recognitions rc JOIN rounds r ON r.id = rc.round_id
    WHERE r.status <> 'running'
    GROUP BY rc.deck_id, rc.item_id, ${group} rc.known_step, r.step`.execute(store.db);
    for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + Number(r.n);
  }
  return out;
}

describe.each(engines)('recognition counts on $name', (engine) => {
  let d: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    d = await engine.create();
    store = await d.open();
    await seedFixture(store);
  });

  afterAll(async () => {
    await store.close();
    await d.drop();
  });

  it('equal the recognitions of ended rounds after the fixture, and leave the running round out', async () => {
    const counts = await stored(store);
    expect(counts).toEqual(await recomputed(store));
    // R1 (mona-lisa, server A, step 7): p1 at 2, p2 at 3, p3 at 4, p4 at 5, p5 never (seen 6).
    expect(counts[`masterpieces/mona-lisa/${A}/2/6`]).toBe(1);
    expect(counts[`masterpieces/mona-lisa/${A}/0/6`]).toBe(1);
    // R4 still runs: p11's recognition at step 1 is not counted.
    expect(counts[`masterpieces/mona-lisa/${A}/1/6`]).toBeUndefined();
  });

  it('follow a late correct guess in an ended round, a round ending, and forget-me', async () => {
    // p5 knew mona-lisa after R1 ended (a late guess): never → step 6.
    await store.recordGuess({
      roundId: 'R1', playerId: uid('p5'), playerName: 'p5', channelId: 'terminal:a1', scopeId: A, deckId: 'masterpieces',
      itemId: 'mona-lisa', mode: 'experiment', step: 6, textNorm: 'mona lisa', verdict: 'correct', points: 0, first: false, win: false, at: 1,
    });
    expect((await stored(store))[`masterpieces/mona-lisa/${A}/0/6`]).toBeUndefined();
    expect(await stored(store)).toEqual(await recomputed(store));
    // R4 ends at step 2: p11 (at 1) and p5's second encounter (not a first encounter) come in.
    await store.endRound('R4', 'ended', 'timeout', 2);
    expect((await stored(store))[`masterpieces/mona-lisa/${A}/1/6`]).toBe(1);
    expect(await stored(store)).toEqual(await recomputed(store));
    await forgetPlayer(store.db, uid('p1'));
    await forgetPlayer(store.db, uid('p11'));
    expect((await stored(store))[`masterpieces/mona-lisa/${A}/1/6`]).toBeUndefined();
    expect(await stored(store)).toEqual(await recomputed(store));
  });
});

describe.each(engines)('the stats bench seed on $name (a bulk load with the count triggers off)', (engine) => {
  let d: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    d = await engine.create();
    store = await d.open();
    await seedStats(store, 3_000);
  });

  afterAll(async () => {
    await store.close();
    await d.drop();
  });

  it('counts every recognition once, and leaves the triggers on for what comes after', async () => {
    const counts = await stored(store);
    expect(Object.keys(counts).length).toBeGreaterThan(20);
    expect(counts).toEqual(await recomputed(store));
    // A recognition deleted after the seed (forget-me) moves the counts: the triggers are back.
    const someone = (await store.db.selectFrom('recognitions').select('player_id').limit(1).executeTakeFirstOrThrow()).player_id;
    const before = Object.values(counts).reduce((a, b) => a + b, 0);
    await forgetPlayer(store.db, someone);
    const after = await stored(store);
    expect(Object.values(after).reduce((a, b) => a + b, 0)).toBeLessThan(before);
    expect(after).toEqual(await recomputed(store));
  });
});
