/** The only way the runtime knows time. Tests inject a fake clock and never sleep. */
export interface Clock {
  now(): number;
  /** `fn` may return a promise: a fake clock awaits it, so tests see the whole effect of a timer. */
  setTimer(at: number, fn: () => void | Promise<void>): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number;
}

export class SystemClock implements Clock {
  private next = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimer(at: number, fn: () => void | Promise<void>): TimerHandle {
    const id = this.next++;
    const t = setTimeout(
      () => {
        this.timers.delete(id);
        void fn();
      },
      Math.max(0, at - Date.now()),
    );
    this.timers.set(id, t);
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }
}
