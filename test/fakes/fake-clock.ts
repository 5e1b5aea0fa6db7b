import type { Clock, TimerHandle } from '../../src/runtime/clock.ts';

/** A manual clock: time moves only when a test calls `advance`. */
export class FakeClock implements Clock {
  private t: number;
  private next = 1;
  private timers = new Map<number, { at: number; fn: () => void | Promise<void> }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(at: number, fn: () => void | Promise<void>): TimerHandle {
    const id = this.next++;
    this.timers.set(id, { at, fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order and awaiting each one's work. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, v]) => v.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      await due[1].fn();
      await settle();
    }
    this.t = target;
    await settle();
  }
}

/** Lets queued promise callbacks and I/O completions (SQLite is synchronous) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
