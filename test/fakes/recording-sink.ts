import type { RoundSink, RoundUpdate } from '../../src/runtime/sink.ts';

/** The "dummy adapter": records every public round update. */
export class RecordingSink implements RoundSink {
  readonly updates: { channelId: string; update: RoundUpdate }[] = [];
  failNext = 0;

  async publish(channelId: string, update: RoundUpdate): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('simulated platform failure');
    }
    this.updates.push({ channelId, update });
  }

  kinds(): string[] {
    return this.updates.map((u) => `${u.update.kind}:${u.update.step}`);
  }
}
