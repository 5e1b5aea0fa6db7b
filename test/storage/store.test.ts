/** The store on a real SQLite file and a real PostgreSQL database: the same tests on both. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FirstSolverConflict, Store, type GuessRecord } from '../../src/storage/store.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';

const round = (id: string, channelId = 'terminal:c1') => ({
  id,
  platform: 'terminal',
  channelId,
  scopeId: 'terminal:s1',
  deckId: 'masterpieces',
  itemId: 'mona-lisa',
  mode: 'race',
  stepSeconds: 15,
  hostId: 'terminal:host',
  locale: 'en',
  startedAt: 1000,
});

const g = (over: Partial<GuessRecord>): GuessRecord => ({
  roundId: 'r1',
  playerId: 'terminal:ann',
  playerName: 'Ann',
  channelId: 'terminal:c1',
  scopeId: 'terminal:s1',
  deckId: 'masterpieces',
  itemId: 'mona-lisa',
  mode: 'race',
  step: 3,
  textNorm: 'mona lisa',
  verdict: 'correct',
  points: 4,
  first: true,
  win: true,
  at: 2000,
  ...over,
});

describe.each(engines)('Store on $name', (engine) => {
  let d: TestDatabase;
  const open: Store[] = [];
  const openStore = async () => {
    const s = await d.open();
    open.push(s);
    return s;
  };
  beforeEach(async () => {
    d = await engine.create();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await d.drop();
  });

  it('records guesses and adds points to channel, server and global scores', async () => {
    const s = await openStore();
    await s.createRound(round('r1'));
    await s.recordGuess(g({ verdict: 'wrong', points: 0, first: false, win: false, textNorm: 'sunset' }));
    await s.recordGuess(g({}));
    await s.createRound(round('r2', 'terminal:c2'));
    await s.recordGuess(g({ roundId: 'r2', channelId: 'terminal:c2', step: 1, points: 6 }));
    expect((await s.leaderboard('channel', 'terminal:c1'))[0]).toEqual({
      playerId: 'terminal:ann',
      name: 'Ann',
      points: 4,
      wins: 1,
      solved: 1,
    });
    expect((await s.leaderboard('server', 'terminal:s1'))[0]!.points).toBe(10);
    expect((await s.leaderboard('global', 'ignored'))[0]).toMatchObject({ points: 10, wins: 2, solved: 2 });
    const rows = await s.guessesOfRound('r1');
    expect(rows.map((r) => [r.text_norm, r.verdict, r.step, r.created_at])).toEqual([
      ['sunset', 'wrong', 3, 2000],
      ['mona lisa', 'correct', 3, 2000],
    ]);
    // Timestamps in ms are bigint columns and come back as numbers on both databases.
    expect(typeof rows[0]!.id).toBe('number');
    expect((await s.round('r1'))!.started_at).toBe(1000);
  });

  it('keeps millisecond timestamps beyond 32 bits exactly', async () => {
    const s = await openStore();
    const at = Date.UTC(2026, 11, 1, 10, 0, 0, 123);
    await s.createRound({ ...round('r1'), startedAt: at });
    await s.recordGuess(g({ at }));
    expect((await s.round('r1'))!.started_at).toBe(at);
    expect((await s.guessesOfRound('r1'))[0]!.created_at).toBe(at);
  });

  it("keeps a player's latest display name", async () => {
    const s = await openStore();
    await s.createRound(round('r1'));
    await s.recordGuess(g({ first: false, win: false }));
    await s.recordGuess(g({ playerName: 'Annie', first: false, win: false, at: 3000 }));
    expect((await s.leaderboard('global', ''))[0]).toMatchObject({ name: 'Annie', points: 8 });
  });

  it('refuses a second first solver for a round, and keeps nothing of it', async () => {
    const s = await openStore();
    await s.createRound(round('r1'));
    await s.recordGuess(g({}));
    await expect(s.recordGuess(g({ playerId: 'terminal:bob', playerName: 'Bob' }))).rejects.toBeInstanceOf(
      FirstSolverConflict,
    );
    expect((await s.round('r1'))!.first_solver_id).toBe('terminal:ann');
    expect(await s.guessesOfRound('r1')).toHaveLength(1);
    expect((await s.leaderboard('global', '')).map((r) => r.name)).toEqual(['Ann']);
  });

  it('many guesses at once: one batch, each committed; a second first solver in the same batch is refused alone', async () => {
    const s = await openStore();
    await s.createRound(round('r1'));
    await s.createRound(round('r2', 'terminal:c2'));
    const players = Array.from({ length: 40 }, (_, i) => `terminal:p${i}`);
    const results = await Promise.allSettled([
      ...players.map((p, i) =>
        s.recordGuess(g({ playerId: p, playerName: p, first: false, win: false, verdict: 'wrong', points: 0, textNorm: `t${i}` })),
      ),
      s.recordGuess(g({ roundId: 'r2', channelId: 'terminal:c2', playerId: 'terminal:x', playerName: 'X' })),
      s.recordGuess(g({ roundId: 'r2', channelId: 'terminal:c2', playerId: 'terminal:y', playerName: 'Y' })),
      // The same player, twice in one batch: both points count, on one score row.
      s.recordGuess(g({ playerId: 'terminal:z', playerName: 'Z', first: false, win: false, points: 2 })),
      s.recordGuess(g({ playerId: 'terminal:z', playerName: 'Zed', first: false, win: false, points: 3 })),
    ]);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(FirstSolverConflict);
    expect(await s.guessesOfRound('r1')).toHaveLength(42);
    expect((await s.guessesOfRound('r2')).map((r) => r.player_id)).toEqual(['terminal:x']);
    expect((await s.round('r2'))!.first_solver_id).toBe('terminal:x');
    const board = await s.leaderboard('channel', 'terminal:c1');
    expect(board).toEqual([{ playerId: 'terminal:z', name: 'Zed', points: 5, wins: 0, solved: 2 }]);
  });

  it('writes what is pending when closed', async () => {
    const s = await d.open();
    await s.createRound(round('r1'));
    const writes = [s.recordGuess(g({ first: false, win: false })), s.recordGuess(g({ first: false, win: false, at: 2001 }))];
    await s.close();
    await Promise.all(writes);
    const s2 = await openStore();
    expect(await s2.guessesOfRound('r1')).toHaveLength(2);
  });

  it('after a crash, closes running rounds as interrupted and keeps every committed score', async () => {
    const s = await openStore();
    await s.createRound(round('r1'));
    await s.recordGuess(g({ mode: 'experiment', win: false }));
    // The process "dies" with the round running: another store opens the same database.
    const s2 = await openStore();
    const interrupted = await s2.interruptRunning(9000);
    expect(interrupted).toEqual([{ id: 'r1', channelId: 'terminal:c1', locale: 'en', mode: 'race' }]);
    expect(await s2.round('r1')).toMatchObject({ status: 'interrupted', end_reason: 'interrupted', ended_at: 9000 });
    expect((await s2.leaderboard('global', ''))[0]!.points).toBe(4);
    expect(await s2.interruptRunning(9001)).toEqual([]);
  });

  it('migrating again applies nothing', async () => {
    const s = await openStore();
    expect(await s.migrate()).toEqual([]);
  });
});

describe('Store on SQLite', () => {
  it('uses WAL and creates the folder', async () => {
    const d = await engines[0]!.create();
    const s = await Store.open(d.location.replace(/test\.db$/, 'sub/dir/test.db'));
    expect(s.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
    await s.close();
    await d.drop();
  });
});
