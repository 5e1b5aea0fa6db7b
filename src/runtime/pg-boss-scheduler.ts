/**
 * Step timers on PostgreSQL: a local timer on the instance that committed the step (so steps fire on
 * time), and a pg-boss job for the same (round, step) as the durable backstop. Any instance's worker
 * takes a due job, so a round goes on when the scheduling instance dies. The job's id is derived from
 * (round, step), so scheduling twice makes one job; whichever of timer and job runs second finds the
 * step already moved (compare-and-set) and does nothing.
 */
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import { Batches } from './batches.ts';
import { LocalScheduler, type StepJob, type StepScheduler } from './scheduler.ts';

export const STEP_QUEUE = 'emergence-round-steps';

/**
 * The durable job falls due this long after the local timer. Due together, every instance's worker
 * fetched the jobs of steps whose local timers were a few ms behind (a burst of rounds stepping at once)
 * and ran them too: each such step was taken twice, once waiting on the other's channel lock, and
 * the burst fell further behind. A round whose instance died still goes on about a second later.
 */
const BACKSTOP_GRACE_MS = 1_000;

export interface PgBossSchedulerOptions {
  connectionString: string;
  clock: Clock;
  log: Logger;
  /** How often an idle worker looks for due jobs (pg-boss allows 0.5 s at least). */
  pollingSeconds?: number;
  /** How long after a step's due time its durable job falls due (default 1 s). */
  backstopGraceMs?: number;
  /** The pg-boss queue (events keep their timers in a queue of their own). */
  queue?: string;
}

/** A stable UUID for (round, step): pg-boss refuses a second job with the same id. */
export function stepJobId(roundId: string, step: number): string {
  const h = createHash('sha1').update(`${roundId}:${step}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class PgBossScheduler implements StepScheduler {
  private readonly local: LocalScheduler;
  private readonly boss: PgBoss;
  private running = false;
  private readonly queue: string;
  /** The step whose job this instance last sent, per round: its job is dropped once the step has moved. */
  private readonly sent = new Map<string, number>();
  /**
   * Jobs are inserted in batches: those scheduled while an insert is on its way go together into the
   * next one (one statement, however many rounds moved meanwhile). With thousands of rounds, a round
   * trip per step was a good part of each instance's work. The id derived from (round, step) still
   * makes a second insert of a job a no-op.
   */
  private readonly sends = new Batches<StepJob>(async (jobs) => {
    await this.boss.insert(
      jobs.map((job) => ({
        id: stepJobId(job.roundId, job.step),
        name: this.queue,
        data: job,
        startAfter: new Date(job.dueAt + (this.o.backstopGraceMs ?? BACKSTOP_GRACE_MS)).toISOString(),
      })),
    );
  });
  /** Jobs of steps that moved on, deleted in batches like the inserts; a failed delete leaves a job that does nothing. */
  private readonly drops = new Batches<string>(async (ids) => {
    if (!this.running) return;
    await this.boss.deleteJob(this.queue, ids).catch((err: unknown) => this.o.log.debug({ err }, 'could not drop step jobs'));
  });

  constructor(private readonly o: PgBossSchedulerOptions) {
    this.local = new LocalScheduler(o.clock);
    this.queue = o.queue ?? STEP_QUEUE;
    this.boss = new PgBoss({
      connectionString: o.connectionString,
      max: 4,
      application_name: 'emergence-steps',
      // Expired active jobs (a worker killed mid-step) are found and retried within seconds.
      maintenanceIntervalSeconds: 5,
      schedule: false,
    });
    this.boss.on('error', (err) => o.log.error({ err }, 'pg-boss error'));
  }

  async start(handler: (job: StepJob) => Promise<void>): Promise<void> {
    await this.local.start(handler);
    await this.boss.start();
    // Instances starting together create their queues (each a partition of pg-boss's job table) at
    // once, and PostgreSQL may pick one of them as a deadlock victim. create_queue is idempotent
    // (ON CONFLICT DO NOTHING), so the victim tries again.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.boss.createQueue(this.queue, {
          name: this.queue,
          policy: 'standard',
          expireInSeconds: 5,
          retryLimit: 20,
          retryDelay: 1,
          retentionMinutes: 30,
        });
        break;
      } catch (e) {
        if ((e as { code?: unknown } | null)?.code !== '40P01' || attempt >= 8) throw e;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 200 * attempt));
      }
    }
    // A worker waits a polling interval after every fetch, even a full one: one job per fetch would run
    // at most two jobs a second per instance, and with thousands of rounds the backstop would fall minutes
    // behind (a dead instance's rounds with it). Jobs of different rounds run side by side; the runtime
    // orders those of one channel.
    await this.boss.work<StepJob>(this.queue, { pollingIntervalSeconds: this.o.pollingSeconds ?? 0.5, batchSize: 100 }, async (jobs) => {
      await Promise.all(jobs.map((job) => handler(job.data)));
    });
    this.running = true;
  }

  async schedule(job: StepJob): Promise<void> {
    await this.local.schedule(job);
    this.dropPrevious(job.roundId, job.step);
    await this.sends.add(job);
    this.sent.set(job.roundId, job.step);
  }

  cancel(roundId: string): void {
    this.local.cancel(roundId);
    this.dropPrevious(roundId, Infinity);
  }

  /**
   * The step this instance scheduled before has moved on (its local timer won): its job would only find
   * nothing to do, after a fetch, a read and a completion. Deleting it is one statement, off the step's path;
   * if the delete fails, the job runs and does nothing.
   */
  private dropPrevious(roundId: string, step: number): void {
    const prev = this.sent.get(roundId);
    if (prev === undefined || prev >= step) return;
    this.sent.delete(roundId);
    if (!this.running) return;
    void this.drops.add(stepJobId(roundId, prev));
  }

  async stop(): Promise<void> {
    await this.local.stop();
    if (!this.running) return;
    this.running = false;
    this.sent.clear();
    // Jobs already handed over must be in the database before the worker goes.
    await this.sends.drain();
    await this.drops.drain();
    // Jobs stay in the database for the other instances; only this worker stops.
    await this.boss.stop({ graceful: true, wait: true, timeout: 5_000 });
  }
}
