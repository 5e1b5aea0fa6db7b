/**
 * The per-process cache of rounds' fixed columns, on both engines: what a guess batch reads through it
 * is the round as the database has it now, whether this process inserted the round or another did,
 * after forget-me changed the host, and after other inputs moved the round.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRound, type RoundConfig } from '../../src/core/game/round.ts';
import { forgetPlayer, FORGOTTEN_PLAYER } from '../../src/stats/queries.ts';
import { RoundCache } from '../../src/storage/round-cache.ts';
import { insertRound, runningRoundOf, stateOf } from '../../src/storage/rounds.ts';
import type { Store } from '../../src/storage/store.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';

const config = (id: string, channelId: string): RoundConfig => ({
  id,
  channelId,
  scopeId: 'terminal:s1',
  deckId: 'masterpieces',
  itemId: 'mona-lisa',
  mode: 'race',
  stepSeconds: 20,
  hostId: 'terminal:host',
  locale: 'zh',
});

describe.each(engines)('RoundCache on $name', (engine) => {
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

  /** What the engine would build from the whole row, read afresh. */
  const fullState = async (channelId: string) => stateOf((await runningRoundOf(store.db, channelId))!, {});

  it('gives the engine the same state as the whole row, for a round it inserted and for one another process inserted', async () => {
    const mine = new RoundCache();
    const other = new RoundCache();
    await store.db.transaction().execute(async (trx) => {
      mine.remember(await insertRound(trx, startRound(config('r1', 'terminal:c1'), 1_000).state, { platform: 'terminal', ownerId: 'a', leaseUntil: 5_000 }));
      await insertRound(trx, startRound(config('r2', 'terminal:c2'), 2_000).state, { platform: 'terminal', ownerId: 'b', leaseUntil: 5_000 });
    });
    for (const cache of [mine, other]) {
      const views = await store.db.transaction().execute((trx) => cache.runningRoundsOf(trx, ['terminal:c1', 'terminal:c2', 'terminal:c3']));
      expect(views.map((v) => v.id).sort()).toEqual(['r1', 'r2']);
      for (const v of views) expect(stateOf(v, {})).toEqual(await fullState(v.channel_id));
    }
  });

  it('reads what moves afresh: step, winner and due time set by another input, the host renamed by forget-me, an ended round', async () => {
    const cache = new RoundCache();
    await store.db.transaction().execute(async (trx) => {
      cache.remember(await insertRound(trx, startRound(config('r1', 'terminal:c1'), 1_000).state, { platform: 'terminal', ownerId: 'a', leaseUntil: 5_000 }));
      cache.remember(await insertRound(trx, startRound(config('r2', 'terminal:c2'), 1_000).state, { platform: 'terminal', ownerId: 'a', leaseUntil: 5_000 }));
    });
    await cache.runningRoundsOf(store.db, ['terminal:c1', 'terminal:c2']);
    await store.db.updateTable('rounds').set({ step: 4, due_at: 99_000, first_solver_id: 'terminal:ann' }).where('id', '=', 'r1').execute();
    await forgetPlayer(store.db, 'terminal:host');
    await store.db.updateTable('rounds').set({ status: 'ended', end_reason: 'stopped', ended_at: 50_000 }).where('id', '=', 'r2').execute();

    const [view, ...rest] = await cache.runningRoundsOf(store.db, ['terminal:c1', 'terminal:c2']);
    expect(rest).toEqual([]);
    const state = stateOf(view!, {});
    expect(state).toEqual(await fullState('terminal:c1'));
    expect(state).toMatchObject({ step: 4, deadline: 99_000, firstSolverId: 'terminal:ann', status: 'running' });
    expect(state.config).toMatchObject({ hostId: FORGOTTEN_PLAYER, locale: 'zh', stepSeconds: 20, scopeId: 'terminal:s1' });
  });
});
