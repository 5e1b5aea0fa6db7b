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
import { LocalScheduler, type StepJob, type StepScheduler } from './scheduler.ts';

export const STEP_QUEUE = 'emergence-round-steps';

export interface PgBossSchedulerOptions {
  connectionString: string;
  clock: Clock;
  log: Logger;
  /** How often an idle worker looks for due jobs (pg-boss allows 0.5 s at least). */
  pollingSeconds?: number;
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
    await this.boss.createQueue(this.queue, {
      name: this.queue,
      policy: 'standard',
      expireInSeconds: 5,
      retryLimit: 20,
      retryDelay: 1,
      retentionMinutes: 30,
    });
    await this.boss.work<StepJob>(this.queue, { pollingIntervalSeconds: this.o.pollingSeconds ?? 0.5, batchSize: 1 }, async (jobs) => {
      for (const job of jobs) await handler(job.data);
    });
    this.running = true;
  }

  async schedule(job: StepJob): Promise<void> {
    await this.local.schedule(job);
    await this.boss.send(this.queue, job, { id: stepJobId(job.roundId, job.step), startAfter: new Date(job.dueAt) });
  }

  cancel(roundId: string): void {
    this.local.cancel(roundId);
  }

  async stop(): Promise<void> {
    await this.local.stop();
    if (!this.running) return;
    this.running = false;
    // Jobs stay in the database for the other instances; only this worker stops.
    await this.boss.stop({ graceful: true, wait: true, timeout: 5_000 });
  }
}
