/**
 * Statements compiled once per shape (src/storage/shaped.ts), on both engines: a reused shape runs
 * with the new values, not the first ones; shapes of other row counts and names stay apart; a build
 * that would not bind a value as it is refuses to compile instead of writing a wrong one.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runShaped } from '../../src/storage/shaped.ts';
import type { Store } from '../../src/storage/store.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';

describe.each(engines)('runShaped on $name', (engine) => {
  let d: TestDatabase;
  let store: Store;
  beforeEach(async () => {
    d = await engine.create();
    store = await d.open();
  });
  afterEach(async () => {
    await store.close();
    await d.drop();
  });

  const upsert = (rows: { id: string; name: string; updated_at: number }[]) =>
    runShaped(store.db, 'test.players', rows, (rs) =>
      store.db
        .insertInto('players')
        .values(rs)
        .onConflict((oc) => oc.column('id').doUpdateSet({ name: sql`excluded.name`, updated_at: sql`excluded.updated_at` })),
    );
  const names = (ids: string[]) =>
    runShaped(store.db, 'test.names', ids, (xs) => store.db.selectFrom('players').select(['id', 'name']).where('id', 'in', xs).orderBy('id'));

  it('runs a reused shape with each call’s values, objects, single values and tuples alike', async () => {
    await upsert([
      { id: 'a', name: 'Ann', updated_at: 1 },
      { id: 'b', name: 'Bo', updated_at: 2 },
    ]);
    await upsert([
      { id: 'c', name: 'Cy', updated_at: 3 },
      { id: 'a', name: 'Anna', updated_at: 4 },
    ]);
    await upsert([{ id: 'd', name: 'Di', updated_at: 5 }]);
    expect((await names(['a', 'b', 'c', 'd'])).rows).toEqual([
      { id: 'a', name: 'Anna' },
      { id: 'b', name: 'Bo' },
      { id: 'c', name: 'Cy' },
      { id: 'd', name: 'Di' },
    ]);
    expect((await names(['d', 'b', 'x', 'y'])).rows.map((r) => r.id)).toEqual(['b', 'd']);
    expect((await store.db.selectFrom('players').select('updated_at').where('id', '=', 'a').executeTakeFirstOrThrow()).updated_at).toBe(4);

    const byPair = (pairs: [string, number][]) =>
      runShaped(store.db, 'test.pairs', pairs, (ps) =>
        store.db
          .selectFrom('players')
          .select('id')
          .where((eb) => eb(eb.refTuple('id', 'updated_at'), 'in', ps.map(([i, u]) => eb.tuple(i, u))))
          .orderBy('id'),
      );
    expect((await byPair([['a', 4], ['b', 1]])).rows).toEqual([{ id: 'a' }]);
    expect((await byPair([['b', 2], ['c', 3]])).rows).toEqual([{ id: 'b' }, { id: 'c' }]);
  });

  it('refuses a build that does not bind a value as it is, and an undefined value', async () => {
    const flags = (rows: { id: string; on: boolean }[]) =>
      runShaped(store.db, 'test.flags', rows, (rs) =>
        store.db.insertInto('players').values(rs.map((r) => ({ id: r.id, name: r.on ? 'yes' : 'no', updated_at: 1 }))),
      );
    await expect(flags([{ id: 'a', on: false }])).rejects.toThrow(/not bound/);
    await expect(upsert([{ id: 'e', name: undefined as unknown as string, updated_at: 1 }])).rejects.toThrow(/undefined/);
    expect((await names(['a', 'e'])).rows).toEqual([]);
  });
});
