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
  /** The step whose job this instance last sent, per round: its job is dropped once the step has moved. */
  private readonly sent = new Map<string, number>();

  constructor(private readonly o: PgBossSchedulerOptions) {
    this.local = new LocalScheduler(o.clock);
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
    await this.boss.createQueue(STEP_QUEUE, {
      name: STEP_QUEUE,
      policy: 'standard',
      expireInSeconds: 5,
      retryLimit: 20,
      retryDelay: 1,
      retentionMinutes: 30,
    });
    // A worker waits a polling interval after every fetch, even a full one: one job per fetch would run
    // at most two jobs a second per instance, and with thousands of rounds the backstop would fall minutes
    // behind (a dead instance's rounds with it). Jobs of different rounds run side by side; the runtime
    // orders those of one channel.
    await this.boss.work<StepJob>(STEP_QUEUE, { pollingIntervalSeconds: this.o.pollingSeconds ?? 0.5, batchSize: 100 }, async (jobs) => {
      await Promise.all(jobs.map((job) => handler(job.data)));
    });
    this.running = true;
  }

  async schedule(job: StepJob): Promise<void> {
    await this.local.schedule(job);
    this.dropPrevious(job.roundId, job.step);
    await this.boss.send(STEP_QUEUE, job, { id: stepJobId(job.roundId, job.step), startAfter: new Date(job.dueAt) });
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
    void this.boss.deleteJob(STEP_QUEUE, stepJobId(roundId, prev)).catch((err: unknown) => this.o.log.debug({ err, roundId }, 'could not drop a step job'));
  }

  async stop(): Promise<void> {
    await this.local.stop();
    if (!this.running) return;
    this.running = false;
    this.sent.clear();
    // Jobs stay in the database for the other instances; only this worker stops.
    await this.boss.stop({ graceful: true, wait: true, timeout: 5_000 });
  }
}
