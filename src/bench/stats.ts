/**
 * Statistics speed with 1 million guesses, on SQLite or PostgreSQL: seeds a temporary database
 * (multi-row inserts in large transactions, with the guesses' indexes built afterwards; the
 * recognitions filled from the guesses by the migration's own backfill), then times the queries the
 * /stats commands run. PostgreSQL is a throwaway local server, started as the tests start theirs.
 *
 * The seeded play: 1,000,000 guesses in about 120,000 rounds (five players each, up to two guesses
 * each) by 20,000 players in 500 servers; half races, half experiments, 2 % interrupted. Pictures are
 * laid out like the built-in decks (flags 235, everyday 14, masterpieces 12, landmarks 5, article 1);
 * a round's deck is drawn by play share (masterpieces 40 %, flags 30 %, everyday 15 %, landmarks 10 %,
 * article 5 %) and its picture uniformly within the deck. So the article's one picture holds about
 * 47,000 guesses and each masterpiece about 33,000: the busiest pictures are the slowest. Curves are
 * timed for pictures drawn the same way (popular pictures are asked about more), after a warm-up.
 *
 * `stats_curve_p99_ms` (`pg_stats_curve_p99_ms`): one picture's curve (the attempts query and its
 * figures), 99th percentile of wall time; `stats_curve_p99_cpu_ms` the same in this process's CPU time
 * on SQLite (it leaves out time spent waiting for a core, not the slowdown of sharing one). Compare runs
 * on the same, quiet machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Caller } from '../core/commands/define.ts';
import { pointsForStep } from '../core/game/round.ts';
import { FINAL_WINDOW, STEP_COUNT } from '../core/game/steps.ts';
import { curveFromAttempts } from '../core/stats/figures.ts';
import { DeckCatalog } from '../images/decks.ts';
import { sql } from 'kysely';
import { createDatabase, startLocalPostgres, type LocalPostgres } from '../storage/local-postgres.ts';
import { RECOGNITION_COUNT_TRIGGERS, backfillRecognitions, fillRecognitionCounts } from '../storage/migrations.ts';
import { Store } from '../storage/store.ts';
import { allAttempts, deckAttempts, pictureAttempts, wrongGuesses } from '../stats/queries.ts';
import { StatsService } from '../stats/service.ts';
import { mulberry32 } from '../core/random.ts';

const DECKS: [id: string, items: number, share: number][] = [
  ['masterpieces', 12, 0.4],
  ['flags', 235, 0.3],
  ['everyday', 14, 0.15],
  ['landmarks', 5, 0.1],
  ['article', 1, 0.05],
];
const WRONG = ['sunset', 'a face', 'sky', 'blur', 'tree', 'red', 'portrait', 'lake', 'flag', 'house', 'cat', 'person'];

export interface BenchStatsOptions {
  guesses?: number;
  queries?: number;
  engine?: 'sqlite' | 'postgres';
}

function pickPicture(r: () => number): [string, string] {
  let x = r();
  for (const [deck, items, share] of DECKS) {
    if (x < share) return [deck, `i${Math.floor(r() * items)}`];
    x -= share;
  }
  return ['article', 'i0'];
}

/**
 * Nanoseconds this thread has spent ready to run but waiting for a core (Linux's schedstat), or null
 * where that is not available.
 */
function queued(pids: readonly number[] = []): number | null {
  try {
    let ns = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]);
    // PostgreSQL answers in its own backend processes (on this machine): their waits count too.
    for (const pid of pids) ns += Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return ns;
  } catch {
    return null;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (x: number) => Math.round(x * 100) / 100;

const ROWS_PER_INSERT = 500;

/** Indexes on guesses, to drop before seeding and build once afterwards (a sorted build). */
async function guessIndexes(store: Store): Promise<{ name: string; sql: string }[]> {
  if (store.dialect === 'sqlite') {
    return (await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_master
      WHERE type = 'index' AND tbl_name = 'guesses' AND sql IS NOT NULL`.execute(store.db)).rows;
  }
  return (await sql<{ name: string; sql: string }>`SELECT indexname AS name, indexdef AS sql FROM pg_indexes
    WHERE tablename = 'guesses' AND indexname <> 'guesses_pkey'`.execute(store.db)).rows;
}

/**
 * Runs a bulk load with recognition_counts' triggers off, then counts everything in one pass: row by row,
 * the triggers made PostgreSQL's seeding take a quarter of an hour (each round and recognition moved its
 * counts in its own statements, all on the same few rows).
 */
async function withoutCountTriggers(store: Store, load: () => Promise<void>): Promise<void> {
  const db = store.db;
  const names: string[] = Object.values(RECOGNITION_COUNT_TRIGGERS).flat();
  if (store.dialect === 'postgres') {
    const found = (await sql<{ name: string; table: string }>`SELECT t.tgname AS name, c.relname AS table
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = ANY(${names})`.execute(db)).rows;
    const each = async (on: boolean) => {
      for (const t of found) await sql.raw(`ALTER TABLE ${t.table} ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${t.name}`).execute(db);
    };
    await each(false);
    try {
      await load();
    } finally {
      await each(true);
    }
  } else {
    // SQLite cannot turn a trigger off: drop them and create them again from their own text.
    const saved = (await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_master WHERE type = 'trigger'`.execute(db)).rows.filter((t) =>
      names.includes(t.name),
    );
    for (const t of saved) await sql.raw(`DROP TRIGGER ${t.name}`).execute(db);
    try {
      await load();
    } finally {
      for (const t of saved) await sql.raw(t.sql).execute(db);
    }
  }
  await fillRecognitionCounts(db);
}

export async function seedStats(store: Store, total: number, seed = 42): Promise<void> {
  await withoutCountTriggers(store, () => seedRows(store, total, seed));
  if (store.dialect === 'sqlite') {
    // A live database checkpoints its WAL every 10000 pages; seeding leaves a WAL of hundreds of MB
    // that every read would have to look through. Fold it into the database file.
    store.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
  } else {
    // What autovacuum does on its own after a bulk load, done now: the planner's statistics.
    await sql`VACUUM ANALYZE`.execute(store.db);
  }
}

async function seedRows(store: Store, total: number, seed: number): Promise<void> {
  const r = mulberry32(seed);
  const indexes = await guessIndexes(store);
  for (const ix of indexes) await sql`DROP INDEX ${sql.ref(ix.name)}`.execute(store.db);
  const perRound = 10;
  let made = 0;
  let at = 1_700_000_000_000;
  let rounds: Record<string, unknown>[] = [];
  let guesses: Record<string, unknown>[] = [];
  const write = async () => {
    const [rs, gs] = [rounds, guesses];
    rounds = [];
    guesses = [];
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rs.length; i += ROWS_PER_INSERT) await trx.insertInto('rounds').values(rs.slice(i, i + ROWS_PER_INSERT) as never).execute();
      for (let i = 0; i < gs.length; i += ROWS_PER_INSERT) await trx.insertInto('guesses').values(gs.slice(i, i + ROWS_PER_INSERT) as never).execute();
    });
  };
  for (let i = 0; made < total; i++) {
    const id = `r${i}`;
    const [deck, item] = pickPicture(r);
    const server = Math.floor(r() * 500);
    const scope = `discord:g${server}`;
    const channel = `discord:c${server}-${Math.floor(r() * 3)}`;
    const experiment = r() < 0.5;
    const mode = experiment ? 'experiment' : 'race';
    // This picture's difficulty: players recognise it around this step.
    const center = 1.5 + ((deck.length * 7 + Number(item.slice(1)) * 13) % 40) / 10;
    const interrupted = r() < 0.02;
    const lastStep = interrupted ? 1 + Math.floor(r() * STEP_COUNT) : FINAL_WINDOW;
    let firstSolver: string | null = null;
    let firstStep = FINAL_WINDOW;
    let roundEnd = lastStep;
    const rows: Record<string, unknown>[] = [];
    // Five different players, up to two guesses each (none after their correct one).
    const players = new Set<string>();
    while (players.size < perRound / 2) players.add(`discord:u${Math.floor(r() * 20_000)}`);
    for (const player of players) {
      if (made + rows.length >= total) break;
      const knows = Math.max(1, Math.min(STEP_COUNT, Math.round(center + (r() - 0.5) * 3)));
      const s1 = 1 + Math.floor(r() * Math.min(knows, lastStep));
      for (const s of [s1, Math.min(STEP_COUNT, s1 + 1 + Math.floor(r() * 2))]) {
        if (made + rows.length >= total) break;
        const correct = s >= knows && s <= Math.min(lastStep, STEP_COUNT) && r() < 0.9;
        const first = correct && firstSolver === null;
        if (first) {
          firstSolver = player;
          firstStep = s;
        }
        rows.push({
          round_id: id, player_id: player, channel_id: channel, scope_id: scope, deck_id: deck, item_id: item, mode, step: s,
          text_norm: correct ? 'answer' : WRONG[Math.floor(r() * WRONG.length)]!, verdict: correct ? 'correct' : 'wrong',
          points: correct ? pointsForStep(s) : 0, first: first ? 1 : 0, created_at: at++,
        });
        if (correct) break;
      }
    }
    // A race ends at its first correct guess. (The seed does not remove the others' later guesses: the
    // figures don't matter here, only the volume and shape of the data.)
    if (!experiment && firstSolver) roundEnd = Math.min(roundEnd, firstStep);
    rounds.push({
      id, platform: 'discord', channel_id: channel, scope_id: scope, deck_id: deck, item_id: item, mode, step_seconds: 15,
      host_id: firstSolver && !experiment ? firstSolver : 'discord:host', locale: 'en',
      status: interrupted ? 'interrupted' : 'ended', end_reason: interrupted ? 'interrupted' : 'timeout', step: roundEnd,
      first_solver_id: firstSolver, started_at: at, ended_at: at + 1000,
    });
    guesses.push(...rows);
    made += rows.length;
    if (guesses.length >= 50_000) await write();
  }
  await write();
  for (const ix of indexes) await sql.raw(ix.sql).execute(store.db);
  await backfillRecognitions(store.db);
}

/** The measurement, in this process (see `benchStats`). */
export async function measureStats(opts: BenchStatsOptions = {}): Promise<Record<string, number>> {
  const total = opts.guesses ?? 1_000_000;
  const queries = opts.queries ?? 400;
  const pg = opts.engine === 'postgres';
  const dir = mkdtempSync(join(tmpdir(), 'emergence-bench-stats-'));
  let server: LocalPostgres | null = null;
  let file = join(dir, 'stats.db');
  if (pg) {
    server = await startLocalPostgres({ say: () => undefined });
    await createDatabase(server.url, 'stats');
    file = server.urlOf('stats');
  }
  const prefix = pg ? 'pg_' : '';
  const t0 = performance.now();
  const seeder = await Store.open(file);
  try {
    await seedStats(seeder, total);
  } finally {
    await seeder.close();
  }
  const seedMs = performance.now() - t0;
  // Queries run on a fresh connection, like the bot's after a restart, not on the one that just
  // wrote a million rows and built the indexes.
  const store = await Store.open(file);
  try {
    // Seeding leaves a lot of garbage; collect it now (node --expose-gc) so that the queries are timed, not the GC.
    (globalThis as { gc?: () => void }).gc?.();
    // The synthetic decks are not in the catalogue: pictures are named by their ids.
    const stats = new StatsService({ store, decks: new DeckCatalog([]), clock: { now: () => Date.now(), setTimer: () => ({ id: 0 }), clearTimer: () => undefined } });
    const asker: Caller = {
      platform: 'discord',
      userId: 'discord:u77',
      userName: 'u77',
      locale: 'en',
      isHost: false,
      channelId: 'discord:c7-0',
      scopeId: 'discord:g7',
    };
    const r = mulberry32(7);
    // Wall time, and this process's CPU time (better-sqlite3 runs queries on this thread): on a shared
    // machine both include other processes' interference; the CPU figure excludes waiting for a core.
    const times: number[] = [];
    const cpu: number[] = [];
    const run: number[] = [];
    let backends: number[] = [];
    const timeCurve = async (keep: boolean) => {
      const [deck, item] = pickPicture(r);
      // Requests come one at a time to an otherwise idle bot: each query starts on a process that has
      // just woken up. Run back to back, a tight loop of sub-millisecond queries uses up its time slice,
      // and on a busy machine every few dozen queries one is cut off for a whole slice of someone else's.
      await new Promise<void>((res) => setTimeout(res, 2));
      const q = queued(backends);
      const c = process.cpuUsage();
      const s = performance.now();
      curveFromAttempts(await pictureAttempts(store.db, deck, item, asker.scopeId));
      const wall = performance.now() - s;
      const used = process.cpuUsage(c);
      const after = queued(backends);
      const waited = q === null || after === null ? null : (after - q) / 1e6;
      if (keep) {
        times.push(wall);
        cpu.push((used.user + used.system) / 1000);
        if (waited !== null) run.push(Math.max(0, wall - waited));
      }
    };
    for (let i = 0; i < 20; i++) await timeCurve(false);
    if (pg) {
      backends = (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(store.db)).rows.map((x) => x.pid);
    }
    for (let i = 0; i < queries; i++) await timeCurve(true);
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    run.sort((a, b) => a - b);

    const once = async (fn: () => Promise<unknown>) => {
      const s = performance.now();
      await fn();
      return ms(performance.now() - s);
    };
    const figures: Record<string, number> = {
      stats_seed_guesses: Number((await store.db.selectFrom('guesses').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
      stats_seed_s: Math.round(seedMs / 100) / 10,
      stats_curve_p50_ms: ms(percentile(times, 50)),
      stats_curve_p99_ms: ms(percentile(times, 99)),
      stats_curve_max_ms: ms(times.at(-1)!),
      ...(pg ? {} : { stats_curve_p99_cpu_ms: ms(percentile(cpu, 99)) }),
      // Wall time less the time this thread (and, on PostgreSQL, the server's backends) sat ready,
      // waiting for a core (Linux): about what a quiet machine would show.
      ...(run.length ? { stats_curve_p99_run_ms: ms(percentile(run, 99)) } : {}),
      stats_biggest_picture_ms: await once(() => pictureAttempts(store.db, 'article', 'i0', asker.scopeId)),
      stats_wrong_ms: await once(() => wrongGuesses(store.db, 'article', 'i0')),
      stats_deck_masterpieces_ms: await once(() => deckAttempts(store.db, 'masterpieces', asker.scopeId)),
      stats_server_ms: await once(() => stats.server(asker)),
      stats_me_ms: await once(() => stats.me(asker)),
      stats_knowledge_ms: await once(() => allAttempts(store.db)),
    };
    return Object.fromEntries(Object.entries(figures).map(([k, v]) => [prefix + k, v]));
  } finally {
    await store.close();
    server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npm run bench` part: runs `measureStats` in its own process (with --expose-gc), so that memory
 * left by the other bench parts does not weigh on these timings.
 */
export async function benchStats(opts: BenchStatsOptions = {}): Promise<Record<string, number>> {
  const args = ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child'];
  if (opts.guesses) args.push(`--guesses=${opts.guesses}`);
  if (opts.queries) args.push(`--queries=${opts.queries}`);
  if (opts.engine) args.push(`--engine=${opts.engine}`);
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const num = (name: string) => {
    const v = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    return v ? Number(v) : undefined;
  };
  const engine = process.argv.find((a) => a.startsWith('--engine='))?.slice(9) === 'postgres' ? 'postgres' : 'sqlite';
  const opts = { guesses: num('guesses'), queries: num('queries'), engine } as const;
  const run = process.argv.includes('--child') ? measureStats(opts) : benchStats(opts);
  void run.then((f) => process.stdout.write(JSON.stringify(f) + '\n'));
}
