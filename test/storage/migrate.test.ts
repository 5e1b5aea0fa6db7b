/**
 * Existing databases migrate forward with nothing lost: a SQLite file as main wrote it before
 * PostgreSQL support (schema 0001 + 0002, the stats fixture's rounds and guesses), opened by today's
 * code. And `cli db migrate`, as a real process, on SQLite and PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDecks } from '../../src/images/decks.ts';
import { Store } from '../../src/storage/store.ts';
import { StatsService } from '../../src/stats/service.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { caller } from '../fakes/test-app.ts';
import { postgresEngine } from '../fakes/databases.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const OLD = readFileSync(new URL('./fixtures/main-0002.sql', import.meta.url), 'utf8');
const TABLES = ['rounds', 'guesses', 'scores', 'players'];

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emergence-migrate-'));
  file = join(dir, 'old.db');
  const db = new SQLite(file);
  db.exec(OLD);
  db.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every row of the old tables, in the old columns (later migrations may add columns). */
function dump(path: string, columns: Record<string, string[]>): Record<string, unknown[]> {
  const db = new SQLite(path, { readonly: true });
  try {
    return Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT ${columns[t]!.join(', ')} FROM ${t} ORDER BY 1, 2, 3`).all()]));
  } finally {
    db.close();
  }
}

function columnsOf(path: string): Record<string, string[]> {
  const db = new SQLite(path, { readonly: true });
  try {
    return Object.fromEntries(TABLES.map((t) => [t, (db.pragma(`table_info(${t})`) as { name: string }[]).map((c) => c.name)]));
  } finally {
    db.close();
  }
}

describe('migrating a database from before PostgreSQL support', () => {
  it('keeps every row, fills recognitions from the guesses, and goes on recording', async () => {
    const columns = columnsOf(file);
    const before = dump(file, columns);
    expect(before.guesses).toHaveLength(30);
    const s = await Store.open(file);
    const recognitions = await s.db.selectFrom('recognitions').selectAll().orderBy('player_id').orderBy('item_id').execute();
    await s.close();
    expect(dump(file, columns)).toEqual(before);

    const find = (player: string, item = 'mona-lisa') => recognitions.find((r) => r.player_id === `terminal:${player}` && r.item_id === item);
    // One row per (player, picture): 11 players on mona-lisa, 3 on the kiss, 2 on the flag, 2 on the chrysanthemums.
    expect(recognitions).toHaveLength(18);
    // p1 knew it at 4×4 in R1; the 2×2 in R2 was a second encounter.
    expect(find('p1')).toMatchObject({ round_id: 'R1', scope_id: 'terminal:s1', first_step: 1, known_step: 2 });
    // p4's first guess was wrong, at 8×8; they knew it at 32×32 (step 5), after a close one.
    expect(find('p4')).toMatchObject({ round_id: 'R1', first_step: 3, known_step: 5 });
    expect(find('p5')).toMatchObject({ round_id: 'R1', known_step: null, known_at: null });
    expect(find('p7')).toMatchObject({ round_id: 'R2', scope_id: 'terminal:s2', known_step: null });
    expect(find('p8')).toMatchObject({ round_id: 'R3', first_step: 4, known_step: 4 });
    // A round still running is kept as it is: its recognitions are there, the statistics leave them out.
    expect(find('p11')).toMatchObject({ round_id: 'R4', known_step: 1 });
    expect(find('q1', 'ad')).toMatchObject({ round_id: 'R6', first_step: 3, known_step: 3 });
    expect(typeof find('p1')!.first_at).toBe('number');

    const again = await Store.open(file);
    expect(await again.migrate()).toEqual([]);
    // The statistics read the recognitions now, with the figures test/stats/queries.test.ts works out by hand.
    const stats = new StatsService({ store: again, decks: await loadDecks(), clock: new FakeClock() });
    const mona = await stats.picture(caller('asker', { scopeId: 'terminal:s1' }), 'mona-lisa');
    expect(mona.everywhere).toMatchObject({ attempts: 10, recognised: 6, cut: 3, threshold: 3, perStep: [0, 2, 1, 2, 1, 0] });
    expect(mona.here).toMatchObject({ attempts: 5, recognised: 4, threshold: 3 });
    expect(await stats.me(caller('p3'))).toMatchObject({ pictures: 3, recognised: 2, median: 2, everyone: 4 });
    await again.createRound({ id: 'R9', platform: 'terminal', channelId: 'terminal:a1', scopeId: 'terminal:s1', deckId: 'masterpieces', itemId: 'the-kiss', mode: 'race', stepSeconds: 15, hostId: 'terminal:host', locale: 'en', startedAt: 1 });
    await again.recordGuess({ roundId: 'R9', playerId: 'terminal:p1', playerName: 'p1', channelId: 'terminal:a1', scopeId: 'terminal:s1', deckId: 'masterpieces', itemId: 'the-kiss', mode: 'race', step: 2, textNorm: 'the kiss', verdict: 'correct', points: 5, first: true, win: true, at: 2 });
    const [g] = await again.guessesOfRound('R9');
    expect(g!.id).toBeGreaterThan(30);
    expect((await again.leaderboard('global', ''))[0]).toMatchObject({ playerId: 'terminal:p1', points: 5 + 5 + 6 });
    await again.close();
  });
});

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', DATABASE_PATH: '', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('two processes starting on one new SQLite file at once', () => {
  it('one applies the migrations, the other waits and finds nothing to do', async () => {
    const fresh = join(dir, 'fresh.db');
    // Two connections in one process interleave their awaits just as two processes race: without a
    // lock, both would see an empty file and both would run 0001.
    const stores = await Promise.all([Store.open(fresh, { migrate: false }), Store.open(fresh, { migrate: false })]);
    try {
      const applied = await Promise.all(stores.map((s) => s.migrate()));
      const counts = applied.map((a) => a.length).sort((a, b) => a - b);
      expect(counts[0]).toBe(0);
      expect(counts[1]).toBeGreaterThan(5);
      expect(applied.flat()).toContain('0001_initial');
      expect(await stores[0]!.migrate()).toEqual([]);
    } finally {
      for (const s of stores) await s.db.destroy();
    }
  });
});

describe('npm run cli -- db migrate', { timeout: 60_000 }, () => {
  it('on an old SQLite file: prints what it applied, then that it is up to date', () => {
    const first = cli(['db', 'migrate', '--db', file]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/applied \d+ migration\(s\):\n {2}0003_recognitions\n/);
    expect(first.out).not.toMatch(/0001_initial/);
    const second = cli(['db', 'migrate'], { DATABASE_PATH: file });
    expect(second).toMatchObject({ code: 0, out: `${file}: up to date, no migration to apply\n` });
  });

  it('on PostgreSQL, from DATABASE_URL', async () => {
    const d = await postgresEngine.create();
    try {
      const first = cli(['db', 'migrate'], { DATABASE_URL: d.location });
      expect(first.code, first.err).toBe(0);
      expect(first.out).toMatch(/applied \d+ migration\(s\):\n {2}0001_initial\n {2}0002_stats\n {2}0003_recognitions\n/);
      expect(cli(['db', 'migrate'], { DATABASE_URL: d.location }).out).toMatch(/up to date/);
    } finally {
      await d.drop();
    }
  });

  it('bad usage and an unreachable PostgreSQL get a clear answer', () => {
    expect(cli(['db'])).toMatchObject({ code: 2, err: expect.stringMatching(/usage: npm run --silent cli -- db migrate/) });
    const r = cli(['db', 'migrate', '--db', `postgres://someone:secret@localhost:1/nowhere?host=${dir}`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Cannot connect to PostgreSQL at postgres:\/\/someone:\*\*\*@localhost:1\/nowhere/);
    expect(r.err).not.toContain('secret');
  });
});
