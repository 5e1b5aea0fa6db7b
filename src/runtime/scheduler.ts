/**
 * Step timers. The instance that commits a step keeps a local timer on the Clock so the next step fires
 * on time; a durable backstop (pg-boss on PostgreSQL, see ./pg-boss-scheduler.ts) runs the same step
 * if that instance dies. Whichever fires second finds the step already moved (compare-and-set) and does
 * nothing. On SQLite the due time itself is in the rounds table, so a restarted process picks it up.
 */
import type { Clock, TimerHandle } from './clock.ts';

export interface StepJob {
  roundId: string;
  channelId: string;
  /** The step the round is at; the job moves it to the next one, only if it is still at this one. */
  step: number;
  dueAt: number;
  /** Set when this process's own timer fired it (not the durable backstop): the step is most likely still due. */
  local?: boolean;
}

export interface StepScheduler {
  /** Runs `handler` for each job that falls due (local timers and, where there is one, the durable backstop). */
  start(handler: (job: StepJob) => Promise<void>): Promise<void>;
  schedule(job: StepJob): Promise<void>;
  /** Drops the local timer of a round (its step moved or it ended). The durable job, if any, will find nothing to do. */
  cancel(roundId: string): void;
  /** Stops the local timers and the worker; durable jobs stay for other instances. */
  stop(): Promise<void>;
}

/** Local timers only: SQLite's single process, where the rounds table holds the due times. */
export class LocalScheduler implements StepScheduler {
  private readonly timers = new Map<string, TimerHandle>();
  private handler: ((job: StepJob) => Promise<void>) | null = null;

  constructor(private readonly clock: Clock) {}

  async start(handler: (job: StepJob) => Promise<void>): Promise<void> {
    this.handler = handler;
  }

  async schedule(job: StepJob): Promise<void> {
    this.cancel(job.roundId);
    const handle = this.clock.setTimer(job.dueAt, async () => {
      if (this.timers.get(job.roundId) === handle) this.timers.delete(job.roundId);
      await this.handler?.({ ...job, local: true });
    });
    this.timers.set(job.roundId, handle);
  }

  cancel(roundId: string): void {
    const h = this.timers.get(roundId);
    if (h) this.clock.clearTimer(h);
    this.timers.delete(roundId);
  }

  async stop(): Promise<void> {
    for (const id of [...this.timers.keys()]) this.cancel(id);
    this.handler = null;
  }
}
