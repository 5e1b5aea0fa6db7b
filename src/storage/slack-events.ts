/**
 * Slack deliveries already taken, shared by every instance on the database: an event Slack
 * retries (`X-Slack-Retry-Num`, the same `event_id`), a Socket Mode envelope sent again, or a
 * signed HTTP request replayed is handled by whichever instance saw it first, and only once.
 * Portable Kysely only (SQLite and PostgreSQL): insert-or-ignore and the inserted row count.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Long enough for Slack's retries (about 30 minutes at most) and far beyond a signature's 5 minutes. */
export const SLACK_EVENT_KEEP_MS = 60 * 60_000;

export class SlackEventLog {
  private lastPrune = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly o: { keepMs?: number; pruneEveryMs?: number } = {},
  ) {}

  /**
   * Records the delivery's keys. True if every key is new (handle it); false if any was seen
   * before (a retry or a replay: drop it). The keys that were new stay recorded either way.
   */
  async firstSight(keys: readonly string[], now: number): Promise<boolean> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return true;
    const res = await this.db
      .insertInto('slack_events')
      .values(unique.map((event_id) => ({ event_id, seen_at: now })))
      .onConflict((oc) => oc.column('event_id').doNothing())
      .executeTakeFirst();
    await this.maybePrune(now);
    return Number(res.numInsertedOrUpdatedRows ?? 0n) === unique.length;
  }

  /** Deletes keys older than the keep window; returns how many. */
  async prune(now: number): Promise<number> {
    const res = await this.db
      .deleteFrom('slack_events')
      .where('seen_at', '<', now - (this.o.keepMs ?? SLACK_EVENT_KEEP_MS))
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  private async maybePrune(now: number): Promise<void> {
    if (now - this.lastPrune < (this.o.pruneEveryMs ?? 60_000)) return;
    this.lastPrune = now;
    await this.prune(now);
  }
}
