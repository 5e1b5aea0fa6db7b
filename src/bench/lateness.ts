/**
 * Step timers across instances on PostgreSQL (issue 9 §6), and the bench instance it shares with
 * ./failover.ts.
 *
 * `step_lateness_p99_ms`: 2,000 concurrent rounds spread across three instance processes on one local
 * PostgreSQL, each posting to a sink that only records; the p99 of (step posted − step due), over every
 * timed step (steps 2-6, the last window and the closing recap).
 *
 * An instance is a real GameService with the PostgreSQL scheduler (local timers plus pg-boss), on the
 * system clock, in its own process. It reports, as JSON lines on stdout, every due time it schedules
 * (`s`: round, step, due) and every post its sink receives (`p`: round, kind, step, time), so the
 * parent can join a post with its due time whichever instance scheduled or posted it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Caller } from '../core/commands/define.ts';
import { STEP_COUNT } from '../core/game/round.ts';
import { loadDecks } from '../images/decks.ts';
import { LadderCache } from '../images/ladder-cache.ts';
import { SystemClock } from '../runtime/clock.ts';
import { GameService } from '../runtime/game-service.ts';
import { PgBossScheduler } from '../runtime/pg-boss-scheduler.ts';
import type { StepJob, StepScheduler } from '../runtime/scheduler.ts';
import { roundById } from '../storage/rounds.ts';
import { createDatabase, startLocalPostgres, type LocalPostgres } from '../storage/local-postgres.ts';
import { Store } from '../storage/store.ts';

/** A line an instance writes: a schedule, a post, or the answer to a command. */
export type InstanceLine =
  | { s: [roundId: string, step: number, dueAt: number] }
  | { p: [roundId: string, kind: string, step: number, at: number] }
  | { ready: true }
  | { played: { roundId: string; dueAt: number }[] }
  | { error: string };

export interface Instance {
  child: ChildProcess;
  /** Resolves with the next answer to a command (schedules and posts go to the handlers). */
  next(): Promise<InstanceLine>;
  send(cmd: { play: number; prefix: string; stepSeconds: number }): void;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts an instance process on `url`; `onLine` sees every schedule and post it reports. */
export async function startInstance(url: string, onLine: (l: InstanceLine) => void): Promise<Instance> {
  const child = spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []), '--import', 'tsx', fileURLToPath(import.meta.url), '--instance', url], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const answers: InstanceLine[] = [];
  const waiting: ((l: InstanceLine) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as InstanceLine;
    if ('s' in line || 'p' in line) return onLine(line);
    const w = waiting.shift();
    if (w) w(line);
    else answers.push(line);
  });
  const inst: Instance = {
    child,
    next: () =>
      answers.length
        ? Promise.resolve(answers.shift()!)
        : new Promise((resolve, reject) => {
            waiting.push(resolve);
            void exited.then(() => reject(new Error('bench instance exited')));
          }),
    send: (cmd) => void child.stdin!.write(JSON.stringify(cmd) + '\n'),
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.stdin!.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
      await inst.kill9();
    },
  };
  const first = await inst.next();
  if (!('ready' in first)) throw new Error(`bench instance did not start: ${JSON.stringify(first)}`);
  return inst;
}

/** A throwaway cluster with a migrated `bench` database (pg-boss makes its schema at the first instance's start). */
export async function benchDatabase(): Promise<{ server: LocalPostgres; url: string }> {
  const server = await startLocalPostgres({ say: () => undefined });
  try {
    await createDatabase(server.url, 'bench');
    const url = server.urlOf('bench');
    await (await Store.open(url)).close();
    return { server, url };
  } catch (err) {
    server.stop();
    throw err;
  }
}

const emit = (l: InstanceLine) => process.stdout.write(JSON.stringify(l) + '\n');

/** The instance process: a GameService on PostgreSQL whose sink and scheduler report what they see. */
async function instance(url: string): Promise<void> {
  const log = pino({ level: 'warn' }, pino.destination(2));
  const clock = new SystemClock();
  const store = await Store.open(url, { migrate: false });
  const boss = new PgBossScheduler({ connectionString: url, clock, log });
  const scheduler: StepScheduler = {
    start: (h) => boss.start(h),
    async schedule(job: StepJob) {
      emit({ s: [job.roundId, job.step, job.dueAt] });
      await boss.schedule(job);
    },
    cancel: (id) => boss.cancel(id),
    stop: () => boss.stop(),
  };
  const game = new GameService({
    clock,
    store,
    decks: await loadDecks(),
    ladders: new LadderCache({ dir: null }),
    log,
    scheduler,
    sink: {
      async publish(_channel, u) {
        emit({ p: [u.roundId, u.kind, u.step, Date.now()] });
      },
    },
  });
  await game.recover();
  emit({ ready: true });
  const caller = (channelId: string): Caller => ({
    platform: 'terminal',
    userId: 'terminal:host',
    userName: 'host',
    locale: 'en',
    isHost: true,
    channelId,
    scopeId: 'terminal:bench',
  });
  for await (const text of createInterface({ input: process.stdin })) {
    const cmd = JSON.parse(text) as { play: number; prefix: string; stepSeconds: number };
    try {
      const played: { roundId: string; dueAt: number }[] = [];
      let i = 0;
      // A few starts at a time, as players would start them: the rounds are concurrent once started.
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (i < cmd.play) {
            const n = i++;
            const out = await game.play(caller(`terminal:bench-${cmd.prefix}${n}`), { deck: 'masterpieces', item: 'mona-lisa', mode: 'experiment', stepSeconds: cmd.stepSeconds });
            const row = await roundById(store.db, out.roundId);
            played.push({ roundId: out.roundId, dueAt: row?.due_at ?? 0 });
          }
        }),
      );
      emit({ played });
    } catch (err) {
      emit({ error: err instanceof Error ? err.message : String(err) });
    }
  }
  await game.shutdown({ announce: false });
  await store.close();
  process.exit(0);
}

/** Joins posts with due times: a post of step n+1 (the last window is 7, the closing recap 8) was due when step n was scheduled to end. */
export class Lateness {
  private readonly due = new Map<string, number>();
  private readonly posted: [string, number, number][] = [];
  readonly recaps = new Set<string>();

  on(l: InstanceLine): void {
    if ('s' in l) {
      const [round, step, at] = l.s;
      const key = `${round}:${step}`;
      // A retry after a failed step reschedules later; lateness counts from the first due time.
      if (!this.due.has(key)) this.due.set(key, at);
    } else if ('p' in l) {
      const [round, kind, step, at] = l.p;
      if (kind === 'step' && step > 1) this.posted.push([round, step - 1, at]);
      else if (kind === 'final') this.posted.push([round, STEP_COUNT, at]);
      else if (kind === 'recap') {
        this.recaps.add(round);
        this.posted.push([round, STEP_COUNT + 1, at]);
      }
    }
  }

  /** Milliseconds late of every post whose due time is known (of the steps after `prev`, if given), sorted. */
  values(prev?: number): number[] {
    const out: number[] = [];
    for (const [round, p, at] of this.posted) {
      if (prev !== undefined && p !== prev) continue;
      const due = this.due.get(`${round}:${p}`);
      if (due !== undefined) out.push(at - due);
    }
    return out.sort((a, b) => a - b);
  }
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchLateness(rounds = 2_000, stepSeconds = 10): Promise<Record<string, number>> {
  const { server, url } = await benchDatabase();
  const instances: Instance[] = [];
  try {
    const late = new Lateness();
    // One at a time: the first one's pg-boss creates its schema.
    for (let i = 0; i < 3; i++) instances.push(await startInstance(url, (l) => late.on(l)));
    const per = Math.ceil(rounds / instances.length);
    instances.forEach((inst, i) => inst.send({ play: per, prefix: `w${i}-`, stepSeconds }));
    let started = 0;
    for (const inst of instances) {
      const a = await inst.next();
      if (!('played' in a)) throw new Error(`starting rounds failed: ${JSON.stringify(a)}`);
      started += a.played.length;
    }
    // Every round runs 7 timed transitions; then its recap.
    const deadline = Date.now() + (STEP_COUNT + 2) * stepSeconds * 1000 + 180_000;
    while (late.recaps.size < started && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (late.recaps.size < started) throw new Error(`only ${late.recaps.size} of ${started} rounds ended in time`);
    const v = late.values();
    if (v.length !== started * (STEP_COUNT + 1)) throw new Error(`expected ${started * (STEP_COUNT + 1)} timed posts, got ${v.length}`);
    return {
      step_lateness_p99_ms: Math.round(percentile(v, 99)),
      step_lateness_p50_ms: Math.round(percentile(v, 50)),
      step_lateness_max_ms: Math.round(v.at(-1)!),
      // Where it comes from: the p99 of each timed post (step 2 … step 6, the last window, the recap).
      ...Object.fromEntries(
        Array.from({ length: STEP_COUNT + 1 }, (_, i) => [`step_lateness_p99_after_${i + 1}_ms`, Math.round(percentile(late.values(i + 1), 99))]),
      ),
    };
  } finally {
    await Promise.all(instances.map((i) => i.stop()));
    server.stop();
  }
}

// Only when this file is the script run (failover.ts imports it).
const isMain = process.argv[1] === fileURLToPath(import.meta.url);
if (isMain && process.argv[2] === '--instance') {
  void instance(process.argv[3]!).catch((err: unknown) => {
    emit({ error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  });
}
if (isMain && process.argv[2] === '--run') {
  void benchLateness(Number(process.argv[3] ?? 2000), Number(process.argv[4] ?? 10)).then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
}
