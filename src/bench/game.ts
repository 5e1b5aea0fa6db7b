/**
 * Engine throughput with every guess committed, to SQLite and to PostgreSQL from three processes,
 * and memory with many rounds held.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createApp, type App } from '../app.ts';
import { Store } from '../storage/store.ts';
import type { Caller } from '../core/commands/define.ts';
import type { Clock, TimerHandle } from '../runtime/clock.ts';

/**
 * A clock whose timers never fire: the bench drives rounds by guesses only. Its time stands still at
 * the bench's start, so that on PostgreSQL the durable step jobs (pg-boss, on real time) fall due only
 * after the bench (steps of 120 s); with a time in the past they fired at once and ended its rounds.
 */
class StillClock implements Clock {
  private n = 0;
  private readonly at = Date.now();
  now(): number {
    return this.at;
  }
  setTimer(): TimerHandle {
    return { id: ++this.n };
  }
  clearTimer(): void {}
}

const caller = (channel: number | string, player: number): Caller => ({
  platform: 'terminal',
  userId: `terminal:p${player}`,
  userName: `p${player}`,
  locale: 'en',
  isHost: true,
  channelId: `terminal:c${channel}`,
  scopeId: 'terminal:s',
});

async function withApp<T>(fn: (app: App) => Promise<T>, ladderCacheDir?: string, databaseUrl?: string): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'emergence-bench-'));
  const app = await createApp({
    log: pino({ level: 'silent' }),
    clock: new StillClock(),
    databasePath: join(dir, 'bench.db'),
    databaseUrl,
    ladderCacheDir: ladderCacheDir ?? join(dir, 'ladders'),
    rate: { burst: 1e9, windowMs: 1 },
  });
  // Like a chat platform's sink: the round's first post makes a message, and later updates edit it.
  app.sinks.register('terminal', { publish: async (_channel, u) => u.messageRef ?? `bench:${u.roundId}` });
  try {
    return await fn(app);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Guesses per second, each one judged by the engine and committed to SQLite before it is
 * answered. 50 channels play at once, as on a busy bot; in each, 20 players guess three times
 * a step (the limit), the host skips to the next step, and a new round starts when one ends.
 */
export async function benchCommittedGuesses(total = 60_000, warmUp = 3_000): Promise<Record<string, number>> {
  return withApp(async (app) => {
    // Before the clock starts, a bot that has been running: its picture's ladder built (about 0.3 s of
    // CPU, once per picture and process, which the 60,000 guesses would carry at 5 µs each) and its code
    // compiled by the JIT. Played in channels of their own, and counted apart.
    const warm = warmUp > 0 ? await playGuesses(app, warmUp, 'warm-') : 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const played = await playGuesses(app, total, '');
    const s = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const count = await guessCount(app.store);
    if (count !== warm + played) throw new Error(`expected ${warm + played} committed guesses, found ${count}`);
    // CPU per guess as well: on a loaded machine the wall time includes waiting for a core.
    return { committed_guesses_per_s: Math.round(played / s), committed_guess_cpu_us: Math.round((cpu.user + cpu.system) / played) };
  });
}

const guessCount = async (store: Store) =>
  Number((await store.db.selectFrom('guesses').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** The play of `benchCommittedGuesses`, on channels named with `prefix`; returns how many guesses it made. */
async function playGuesses(app: App, total: number, prefix: string): Promise<number> {
  const channels = 50;
  const players = 20;
  const guesses = ['sunset', 'a lady', 'portrait', 'woman smiling', 'starry night', 'lisa'];
  const perChannel = Math.ceil(total / channels);
  const host = (c: number) => caller(`${prefix}${c}`, 0);
  await Promise.all(
    Array.from({ length: channels }, async (_, c) => {
      let n = 0;
      while (n < perChannel) {
        if (!(await app.game.roundInChannel(host(c).channelId))) await app.game.play(host(c), { item: 'mona-lisa', mode: 'experiment', stepSeconds: 120 });
        for (let p = 1; p <= players && n < perChannel; p++) {
          for (let k = 0; k < 3 && n < perChannel; k++, n++) await app.game.guess(caller(`${prefix}${c}`, p), guesses[(p + k) % guesses.length]!);
        }
        await app.game.skip(host(c));
      }
    }),
  );
  return perChannel * channels;
}

/**
 * The same play on PostgreSQL: three processes, each with its own app and store on one local
 * PostgreSQL (started like the tests'), each playing its own 50 channels; every guess committed before
 * it is answered. Guesses per second over the wall time from the start signal to the last process done.
 */
export async function benchPgCommittedGuesses(total = 30_000): Promise<Record<string, number>> {
  const processes = 3;
  // Loaded here: the rounds bench measures a SQLite bot, which does not load pg.
  const { createDatabase, startLocalPostgres } = await import('../storage/local-postgres.ts');
  const server = await startLocalPostgres({ say: () => undefined });
  try {
    await createDatabase(server.url, 'bench');
    const url = server.urlOf('bench');
    await (await Store.open(url)).close();
    const script = fileURLToPath(import.meta.url);
    const perProcess = Math.ceil(total / processes);
    const workers = Array.from({ length: processes }, (_, i) =>
      spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []), '--import', 'tsx', script, '--pg-worker', url, String(i), String(perProcess)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const lines = workers.map((w) => createInterface({ input: w.stdout! })[Symbol.asyncIterator]());
    const next = async (i: number) => {
      const r = await lines[i]!.next();
      if (r.done) throw new Error(`bench worker ${i} ended early`);
      return r.value;
    };
    for (let i = 0; i < processes; i++) if ((await next(i)) !== 'ready') throw new Error(`bench worker ${i} did not start`);
    const server0 = serverCpuMs(server.dir);
    const t0 = performance.now();
    for (const w of workers) w.stdin!.write('go\n');
    const results = (await Promise.all(workers.map((_, i) => next(i)))).map((l) => JSON.parse(l) as { played: number; warm: number; cpuMs: number });
    const s = (performance.now() - t0) / 1000;
    const server1 = serverCpuMs(server.dir);
    // The workers close their stores before the server stops: stopped under them, their connections reset.
    const exited = workers.map((w) => new Promise<void>((r) => (w.exitCode !== null ? r() : w.once('exit', () => r()))));
    for (const w of workers) w.stdin!.end();
    await Promise.race([Promise.all(exited), new Promise((r) => setTimeout(r, 30_000).unref())]);
    const played = results.reduce((a, r) => a + r.played, 0);
    const store = await Store.open(url);
    const count = await guessCount(store);
    await store.close();
    const warm = results.reduce((a, r) => a + r.warm, 0);
    if (count !== played + warm) throw new Error(`expected ${played + warm} committed guesses, found ${count}`);
    const perGuess = (ms: number) => Math.round((ms * 1000) / played);
    return {
      pg_committed_guesses_per_s: Math.round(played / s),
      // CPU per guess in the three bot processes, and in PostgreSQL's (when /proc tells): on a loaded
      // machine the wall time includes waiting for a core, and each round trip waits twice.
      pg_committed_guess_cpu_us: perGuess(results.reduce((a, r) => a + r.cpuMs, 0)),
      ...(server0 !== null && server1 !== null ? { pg_server_cpu_us_per_guess: perGuess(server1 - server0) } : {}),
    };
  } finally {
    server.stop();
  }
}

/**
 * CPU time (ms) of the local PostgreSQL: its postmaster (with the children it has reaped) and the
 * processes it runs now (backends, background workers), from /proc; null where there is no /proc.
 */
function serverCpuMs(dir: string): number | null {
  try {
    const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const ticks = 100; // USER_HZ: 100 on Linux
    let total = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // the process ended meanwhile
      }
      // After the command name (in parentheses, which may hold spaces): state, ppid, …, utime (14th field), stime, cutime, cstime.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      if (pid !== postmaster && Number(f[1]) !== postmaster) continue;
      total += Number(f[11]) + Number(f[12]) + (pid === postmaster ? Number(f[13]) + Number(f[14]) : 0);
    }
    return (total * 1000) / ticks;
  } catch {
    return null;
  }
}

async function pgWorker(url: string, index: string, total: number): Promise<void> {
  await withApp(
    async (app) => {
      const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
      // Steady state, as a bot that has been running: the connection pool grown to its size (a new
      // PostgreSQL backend costs tens of ms of CPU to start and warm its caches) and the code compiled.
      const warm = await playGuesses(app, 3_000, `w${index}-warm-`);
      process.stdout.write('ready\n');
      await input.next();
      const c0 = process.cpuUsage();
      const played = await playGuesses(app, total, `w${index}-`);
      const cpu = process.cpuUsage(c0);
      process.stdout.write(JSON.stringify({ played, warm, cpuMs: (cpu.user + cpu.system) / 1000 }) + '\n');
      await input.next();
    },
    undefined,
    url,
  );
}

const ROUND_DECKS = ['masterpieces', 'landmarks', 'everyday'];

/** Fills a ladder cache folder with every picture of the decks the rounds bench uses. */
export async function warmLadders(dir: string): Promise<void> {
  await withApp(async (app) => {
    for (const deck of ROUND_DECKS) {
      const d = app.decks.get(deck)!;
      for (const item of d.items) await app.ladders.stripFile(app.decks.imagePath(d, item), { size: 512, focus: item.focus });
    }
  }, dir);
}

/**
 * RSS with 10,000 rounds running at once. Run in its own process, on a ladder cache that
 * warmLadders filled: the steady state of a bot that has run before, whose ladders come
 * from disk without decoding.
 */
export async function benchRounds(rounds = 10_000, ladderCacheDir?: string): Promise<Record<string, number>> {
  return withApp(async (app) => {
    const decks = ROUND_DECKS;
    // Every picture's ladder is loaded first, so that what follows is the rounds' own memory.
    for (const deck of decks) {
      for (const item of app.decks.get(deck)!.items) {
        await app.game.play(caller(-1, 0), { deck, item: item.id });
        await app.game.stop(caller(-1, 0));
      }
    }
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < rounds; i++) {
      await app.game.play(caller(i, 0), { deck: decks[i % decks.length], mode: i % 2 ? 'race' : 'experiment' });
      if (i % 3 === 0) await app.game.guess(caller(i, 1), 'something');
    }
    (globalThis as { gc?: () => void }).gc?.();
    const after = process.memoryUsage().rss;
    // Checked from the database once measured, so that the check's own reads are not in the figure.
    const running = await app.store.db.selectFrom('rounds').where('status', '=', 'running').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    if (Number(running.n) !== rounds) throw new Error(`${Number(running.n)} of ${rounds} rounds running`);
    const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
    return {
      rss_mb_10k_rounds: mb(after),
      rss_mb_before_rounds: mb(before),
      round_kb_each: Math.round(((after - before) / rounds / 1024) * 100) / 100,
    };
  }, ladderCacheDir);
}

if (process.argv[2] === '--rounds') {
  void benchRounds(10_000, process.argv[3]).then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
}
if (process.argv[2] === '--pg-worker') {
  void pgWorker(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
}
