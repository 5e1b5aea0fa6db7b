/**
 * Group writes: items added while a batch is being written go together into the next one (at most
 * `max` a batch), so a burst costs a few statements, not one per item, and a lone item still goes at once.
 */
export class Batches<T> {
  private pending: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly max = 500,
  ) {}

  /** Resolves once the batch holding `item` was written; rejects with that batch's error. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.flush();
    });
  }

  /** Resolves when nothing is waiting or being written. */
  async drain(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private flush(): void {
    if (this.writing) return;
    this.writing = (async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.max);
        try {
          await this.write(batch.map((b) => b.item));
          for (const b of batch) b.resolve();
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    })().finally(() => {
      this.writing = null;
      if (this.pending.length > 0) this.flush();
    });
  }
}
