/**
 * A batch of guesses written in one transaction (src/storage/guess-write.ts; on PostgreSQL one statement,
 * ./guess-write-pg.ts): the same rows on both engines, read back table by table.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeGuesses, type GuessRecord } from '../../src/storage/guess-write.ts';
import type { Store } from '../../src/storage/store.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';

const round = (id: string, channelId: string) => ({
  id,
  platform: 'terminal',
  channelId,
  scopeId: 'terminal:s1',
  deckId: 'masterpieces',
  itemId: 'mona-lisa',
  mode: 'experiment',
  stepSeconds: 15,
  hostId: 'terminal:host',
  locale: 'en',
  startedAt: 1000,
});

const guess = (over: Partial<GuessRecord>): GuessRecord => ({
  roundId: 'r1',
  playerId: 'terminal:ann',
  playerName: 'Ann',
  channelId: 'terminal:c1',
  scopeId: 'terminal:s1',
  deckId: 'masterpieces',
  itemId: 'mona-lisa',
  mode: 'experiment',
  step: 1,
  textNorm: 'sunset',
  verdict: 'wrong',
  points: 0,
  first: false,
  win: false,
  at: 2000,
  ...over,
});

const player = (roundId: string, id: string, name: string, over: { guesses?: number; solvedStep?: number; points?: number } = {}) => ({
  roundId,
  player: { id, name, countStep: 1, guesses: over.guesses ?? 1, solvedStep: over.solvedStep, points: over.points ?? 0 },
});

describe.each(engines)('a batch of guesses on $name', (engine) => {
  let d: TestDatabase;
  let s: Store;
  beforeEach(async () => {
    d = await engine.create();
    s = await d.open();
    await s.createRound(round('r1', 'terminal:c1'));
    await s.createRound(round('r2', 'terminal:c2'));
    await s.db.insertInto('players').values({ id: 'terminal:cy', name: 'Cy', updated_at: 1 }).execute();
  });
  afterEach(async () => {
    await s.close();
    await d.drop();
  });

  const write = (gs: GuessRecord[], players: Parameters<typeof writeGuesses>[2]) => s.db.transaction().execute((trx) => writeGuesses(trx, gs, players));

  it('writes guesses, round players, changed names, merged scores and recognitions, and a later batch builds on them', async () => {
    await write(
      [
        guess({}),
        guess({ playerId: 'terminal:bob', playerName: 'Bob', step: 1, textNorm: 'mona lisa', verdict: 'correct', points: 6, first: true }),
        guess({ playerName: 'Annie', textNorm: 'a lady', at: 2100 }),
        guess({ roundId: 'r2', channelId: 'terminal:c2', playerId: 'terminal:cy', playerName: 'Cy', textNorm: 'lisa', verdict: 'close', at: 2200 }),
      ],
      [player('r1', 'terminal:ann', 'Annie', { guesses: 2 }), player('r1', 'terminal:bob', 'Bob', { solvedStep: 1, points: 6 }), player('r2', 'terminal:cy', 'Cy')],
    );
    // Ann knows it at step 2 of r1 (her stored first encounter); Cy plays it again in r1 after r2 (met in r2 already).
    await write(
      [
        guess({ playerName: 'Annie', step: 2, textNorm: 'mona lisa', verdict: 'correct', points: 4, at: 3000 }),
        guess({ playerId: 'terminal:cy', playerName: 'Cy', step: 2, textNorm: 'mona lisa', verdict: 'correct', points: 4, at: 3100 }),
        guess({ roundId: 'r2', channelId: 'terminal:c2', playerId: 'terminal:bob', playerName: 'Bob', step: 2, verdict: 'correct', textNorm: 'mona lisa', points: 2, at: 3200 }),
      ],
      [player('r1', 'terminal:ann', 'Annie', { guesses: 1, solvedStep: 2, points: 4 }), player('r1', 'terminal:cy', 'Cy', { solvedStep: 2, points: 4 }), player('r2', 'terminal:bob', 'Bob', { solvedStep: 2, points: 2 })],
    );

    const guesses = await s.db.selectFrom('guesses').select(['round_id', 'player_id', 'step', 'text_norm', 'verdict', 'points', 'first', 'created_at']).orderBy('id').execute();
    expect(guesses.map((r) => [r.round_id, r.player_id, r.step, r.text_norm, r.verdict, r.points, r.first, r.created_at])).toEqual([
      ['r1', 'terminal:ann', 1, 'sunset', 'wrong', 0, 0, 2000],
      ['r1', 'terminal:bob', 1, 'mona lisa', 'correct', 6, 1, 2000],
      ['r1', 'terminal:ann', 1, 'a lady', 'wrong', 0, 0, 2100],
      ['r2', 'terminal:cy', 1, 'lisa', 'close', 0, 0, 2200],
      ['r1', 'terminal:ann', 2, 'mona lisa', 'correct', 4, 0, 3000],
      ['r1', 'terminal:cy', 2, 'mona lisa', 'correct', 4, 0, 3100],
      ['r2', 'terminal:bob', 2, 'mona lisa', 'correct', 2, 0, 3200],
    ]);
    const roundPlayers = await s.db.selectFrom('round_players').selectAll().orderBy('round_id').orderBy('player_id').execute();
    expect(roundPlayers.map((r) => [r.round_id, r.player_id, r.name, r.guesses, r.solved_step, r.points])).toEqual([
      ['r1', 'terminal:ann', 'Annie', 1, 2, 4],
      ['r1', 'terminal:bob', 'Bob', 1, 1, 6],
      ['r1', 'terminal:cy', 'Cy', 1, 2, 4],
      ['r2', 'terminal:bob', 'Bob', 1, 2, 2],
      ['r2', 'terminal:cy', 'Cy', 1, null, 0],
    ]);
    // The latest name; Cy's row, whose name never changed, is untouched (updated_at 1).
    const players = await s.db.selectFrom('players').selectAll().orderBy('id').execute();
    expect(players.map((r) => [r.id, r.name, r.updated_at])).toEqual([
      ['terminal:ann', 'Annie', 2100],
      ['terminal:bob', 'Bob', 2000],
      ['terminal:cy', 'Cy', 1],
    ]);
    const scores = await s.db.selectFrom('scores').selectAll().orderBy('scope').orderBy('scope_id').orderBy('player_id').execute();
    expect(scores.map((r) => [r.scope, r.scope_id, r.player_id, r.points, r.solved])).toEqual([
      ['channel', 'terminal:c1', 'terminal:ann', 4, 1],
      ['channel', 'terminal:c1', 'terminal:bob', 6, 1],
      ['channel', 'terminal:c1', 'terminal:cy', 4, 1],
      ['channel', 'terminal:c2', 'terminal:bob', 2, 1],
      ['global', 'all', 'terminal:ann', 4, 1],
      ['global', 'all', 'terminal:bob', 8, 2],
      ['global', 'all', 'terminal:cy', 4, 1],
      ['server', 'terminal:s1', 'terminal:ann', 4, 1],
      ['server', 'terminal:s1', 'terminal:bob', 8, 2],
      ['server', 'terminal:s1', 'terminal:cy', 4, 1],
    ]);
    // One row per player and picture: the first round met, and the step known there (Cy's r2 stays unknown;
    // Bob's r2 correct guess does not touch his r1 row).
    const recognitions = await s.db.selectFrom('recognitions').selectAll().orderBy('player_id').execute();
    expect(recognitions.map((r) => [r.player_id, r.round_id, r.first_step, r.first_at, r.known_step, r.known_at])).toEqual([
      ['terminal:ann', 'r1', 1, 2000, 2, 3000],
      ['terminal:bob', 'r1', 1, 2000, 1, 2000],
      ['terminal:cy', 'r2', 1, 2200, null, null],
    ]);
  });
});
