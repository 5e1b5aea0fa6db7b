import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FirstSolverConflict, Store, type GuessRecord } from '../../src/storage/store.ts';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emergence-store-'));
  path = join(dir, 'db', 'test.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

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

describe('Store', () => {
  it('uses WAL and creates the folder', async () => {
    const s = await Store.open(path);
    expect(s.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    await s.close();
  });

  it('records guesses and adds points to channel, server and global scores', async () => {
    const s = await Store.open(path);
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
    expect(rows.map((r) => [r.text_norm, r.verdict, r.step])).toEqual([
      ['sunset', 'wrong', 3],
      ['mona lisa', 'correct', 3],
    ]);
    await s.close();
  });

  it("keeps a player's latest display name", async () => {
    const s = await Store.open(path);
    await s.createRound(round('r1'));
    await s.recordGuess(g({ first: false, win: false }));
    await s.recordGuess(g({ playerName: 'Annie', first: false, win: false, at: 3000 }));
    expect((await s.leaderboard('global', ''))[0]).toMatchObject({ name: 'Annie', points: 8 });
    await s.close();
  });

  it('refuses a second first solver for a round, and keeps nothing of it', async () => {
    const s = await Store.open(path);
    await s.createRound(round('r1'));
    await s.recordGuess(g({}));
    await expect(s.recordGuess(g({ playerId: 'terminal:bob', playerName: 'Bob' }))).rejects.toBeInstanceOf(
      FirstSolverConflict,
    );
    expect((await s.round('r1'))!.first_solver_id).toBe('terminal:ann');
    expect(await s.guessesOfRound('r1')).toHaveLength(1);
    expect((await s.leaderboard('global', '')).map((r) => r.name)).toEqual(['Ann']);
    await s.close();
  });

  it('after a crash, closes running rounds as interrupted and keeps every committed score', async () => {
    const s = await Store.open(path);
    await s.createRound(round('r1'));
    await s.recordGuess(g({ mode: 'experiment', win: false }));
    // No close(): the process "dies" with the round running. Reopen the same file.
    const s2 = await Store.open(path);
    const interrupted = await s2.interruptRunning(9000);
    expect(interrupted).toEqual([{ id: 'r1', channelId: 'terminal:c1', locale: 'en', mode: 'race' }]);
    expect(await s2.round('r1')).toMatchObject({ status: 'interrupted', end_reason: 'interrupted', ended_at: 9000 });
    expect((await s2.leaderboard('global', ''))[0]!.points).toBe(4);
    expect(await s2.interruptRunning(9001)).toEqual([]);
    await s2.close();
    await s.close();
  });
});
