/**
 * A round on SQLite survives its process: kill -9 the terminal bot mid-round, start it again on the same
 * database, and the round goes on (same round, no step twice, guesses kept); started after the resume
 * window, the round is closed as interrupted and the channel told once. A second instance started beside
 * a live one leaves its round alone (issue 11 §3). Real processes, polled with deadlines.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot, waitFor, type Bot } from './proc.ts';

let dir = '';
const bots: Bot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.kill9();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function env(over: Record<string, string> = {}) {
  return {
    DATABASE_PATH: join(dir, 'e.db'),
    LADDER_CACHE_DIR: join(dir, 'ladders'),
    TERMINAL_OUT_DIR: join(dir, 'out'),
    STEP_SECONDS: '2',
    ...over,
  };
}

function bot(over: Record<string, string> = {}) {
  const b = startBot(env(over));
  bots.push(b);
  return b;
}

interface RoundRow {
  id: string;
  status: string;
  step: number;
  end_reason: string | null;
  owner_id: string | null;
  lease_until: number | null;
  announced: number;
  due_at: number | null;
}

function rounds(): RoundRow[] {
  const db = new Database(join(dir, 'e.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, status, step, end_reason, owner_id, lease_until, announced, due_at FROM rounds ORDER BY started_at').all() as RoundRow[];
  } finally {
    db.close();
  }
}

function guesses(): { round_id: string; verdict: string }[] {
  const db = new Database(join(dir, 'e.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT round_id, verdict FROM guesses ORDER BY id').all() as { round_id: string; verdict: string }[];
  } finally {
    db.close();
  }
}

/** The steps a bot printed, in order (6 is printed twice: the step and the last chance window). */
function stepsIn(out: string): number[] {
  return [...out.matchAll(/== (?:What is it\? Step (\d)\/6|Last chance! Step 6\/6)/g)].map((m) => (m[1] ? Number(m[1]) : 7));
}

describe('a restarted SQLite process', () => {
  it('resumes its round after kill -9: same round, next step, no step twice, committed guesses kept', async () => {
    dir = mkdtempSync(join(tmpdir(), 'emergence-multi-'));
    const a = bot();
    a.line('/play deck:masterpieces item:mona-lisa mode:experiment');
    await waitFor('step 2 in the first process', () => stepsIn(a.out()).includes(2), 60_000, [a]);
    a.line('sunset');
    await waitFor('the wrong guess answered', () => a.out().includes('Not it.'), 30_000, [a]);
    await a.kill9();
    const before = rounds();
    expect(before).toHaveLength(1);
    expect(before[0]!.status).toBe('running');
    const shownByA = stepsIn(a.out());
    // The step the database holds is the last one A committed; A printed it (commit, then post).
    expect(shownByA.at(-1)).toBe(before[0]!.step);

    // Restarted at once: the dead process's lease still holds, but its pid is gone, so the round goes on.
    const b = bot();
    await waitFor('the round to end on the restarted process', () => rounds()[0]!.status !== 'running' && b.out().includes('== It was: Mona Lisa'), 90_000, [a, b]);
    const after = rounds();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before[0]!.id, status: 'ended', end_reason: 'timeout' });
    const shownByB = stepsIn(b.out());
    // Every step posted exactly once across both processes, in order, and B started where A stopped.
    expect([...shownByA, ...shownByB]).toEqual([1, 2, 3, 4, 5, 6, 7].slice(0, shownByA.length + shownByB.length));
    expect(shownByB).toEqual([1, 2, 3, 4, 5, 6, 7].slice(shownByA.length));
    expect(b.out()).not.toContain('interrupted');
    expect(guesses()).toEqual([{ round_id: before[0]!.id, verdict: 'wrong' }]);
  }, 180_000);

  it('after the resume window closes the round as interrupted, and tells the channel once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'emergence-multi-'));
    const a = bot();
    a.line('/play deck:masterpieces item:mona-lisa mode:experiment');
    await waitFor('step 1', () => stepsIn(a.out()).includes(1), 60_000, [a]);
    a.line('sunset');
    await waitFor('the wrong guess answered', () => a.out().includes('Not it.'), 30_000, [a]);
    await a.kill9();
    const { id: roundId, due_at: dueAt } = rounds()[0]!;
    // A window of 1 s, and the step overdue by more than that when the new process starts (it takes a dead
    // process's rounds at once).
    await waitFor('the step overdue past the window', () => Date.now() > (dueAt ?? 0) + 1_500, 30_000, [a]);
    const b = bot({ RESUME_WINDOW_SECONDS: '1' });
    await waitFor('the round closed as interrupted', () => rounds()[0]!.status === 'interrupted' && rounds()[0]!.announced === 1, 90_000, [a, b]);
    await waitFor('the recap printed', () => b.out().includes('The round was interrupted'), 30_000, [b]);
    expect(stepsIn(b.out())).toEqual([]);
    // B closes nothing else and says nothing more; a later start says nothing at all.
    b.line('/leaderboard');
    await waitFor('the leaderboard answered', () => b.out().includes('== Leaderboard'), 30_000, [b]);
    await b.kill9();
    const c = bot({ RESUME_WINDOW_SECONDS: '1' });
    c.line('/leaderboard');
    await waitFor('the third start answered', () => c.out().includes('== Leaderboard'), 60_000, [c]);
    const told = (b.out() + c.out()).match(/The round was interrupted|A restart interrupted the round/g) ?? [];
    expect(told).toHaveLength(1);
    expect(rounds()).toMatchObject([{ id: roundId, status: 'interrupted', announced: 1 }]);
    expect(guesses()).toEqual([{ round_id: roundId, verdict: 'wrong' }]);
  }, 180_000);
});

describe('a second instance on the same SQLite database', () => {
  it('never closes the live instance\'s round and announces nothing; the first goes on', async () => {
    dir = mkdtempSync(join(tmpdir(), 'emergence-multi-'));
    const a = bot({ STEP_SECONDS: '3' });
    a.line('/play deck:masterpieces item:mona-lisa mode:experiment');
    await waitFor('step 1', () => stepsIn(a.out()).includes(1), 60_000, [a]);
    const b = bot({ STEP_SECONDS: '3', RESUME_WINDOW_SECONDS: '0' });
    b.line('/decks');
    await waitFor('the second instance up and answering', () => b.out().includes('masterpieces'), 60_000, [a, b]);
    // A plays its round to the end, while B (up the whole time, sweeping for orphaned rounds) takes nothing.
    await waitFor('the round to end on the first instance', () => a.out().includes('== It was: Mona Lisa'), 90_000, [a, b]);
    expect(stepsIn(a.out())).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rounds()).toMatchObject([{ status: 'ended', end_reason: 'timeout' }]);
    expect(stepsIn(b.out())).toEqual([]);
    expect(b.out()).not.toMatch(/interrupted|restart/i);
    expect(a.out()).not.toMatch(/interrupted|restart/i);
  }, 180_000);
});
