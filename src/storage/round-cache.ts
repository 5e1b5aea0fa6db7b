/**
 * A per-process cache of the columns a round never changes once inserted (where it plays and what),
 * so that a batch of guesses reads only the columns that move. Building rows of every column cost
 * more than finding them: the batch's select of 50 running rounds spent most of its time there.
 * Never a source of truth: a miss reads the row, and what can change (status, step, winner, host,
 * due time) is read in every transaction, where the compare-and-set checks it. Portable Kysely.
 */
import { LRUCache } from 'lru-cache';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { RoundRecord, RoundView } from './rounds.ts';
import { runShaped } from './shaped.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Written once, at the round's insert; no statement updates them (forget-me changes host_id, which is read live). */
const FIXED = ['id', 'platform', 'channel_id', 'scope_id', 'deck_id', 'item_id', 'mode', 'step_seconds', 'locale', 'started_at'] as const;
/**
 * What the engine's state needs besides: read afresh in every transaction. Each column read costs
 * (better-sqlite3 builds an object per row), so those the query's own filter fixes are not read:
 * a running round has no end, and its channel comes with the fixed columns.
 */
const LIVE = ['id', 'step', 'due_at', 'first_solver_id', 'host_id'] as const;

export type FixedColumns = Pick<RoundRecord, (typeof FIXED)[number]>;

export class RoundCache {
  /**
   * Bounded: a process running more rounds than this at once reads some of them whole (one statement
   * more per batch), and memory stays small with many idle rounds.
   */
  private readonly fixed = new LRUCache<string, FixedColumns>({ max: 1_000 });

  /** A round this process has just inserted (whether or not its transaction commits: the id is new). */
  remember(r: FixedColumns): void {
    const { id, platform, channel_id, scope_id, deck_id, item_id, mode, step_seconds, locale, started_at } = r;
    this.fixed.set(id, { id, platform, channel_id, scope_id, deck_id, item_id, mode, step_seconds, locale, started_at });
  }

  /** The running rounds of these channels (at most one each), like `runningRoundsOf` but with only the columns the engine reads. */
  async runningRoundsOf(db: Db, channelIds: readonly string[]): Promise<RoundView[]> {
    if (channelIds.length === 0) return [];
    // The literal status lets the planner use the partial index rounds_one_running, as in runningRoundsOf.
    const { rows: live } = await runShaped(db, 'rounds.live', channelIds, (ids) =>
      db.selectFrom('rounds').select(LIVE).where('channel_id', 'in', ids).where('status', '=', sql.lit('running')),
    );
    const found = new Map<string, FixedColumns>();
    const missing: string[] = [];
    for (const r of live) {
      const f = this.fixed.get(r.id);
      if (f) found.set(r.id, f);
      else missing.push(r.id);
    }
    if (missing.length > 0) {
      for (const r of await db.selectFrom('rounds').select(FIXED).where('id', 'in', missing).execute()) {
        this.fixed.set(r.id, r);
        found.set(r.id, r);
      }
    }
    // Every running round read has its fixed columns now: the same transaction read them both.
    return live.map((r) => {
      const f = found.get(r.id)!;
      // Spelled out: spreading two objects into one took V8's slow path, about 20 µs a row.
      return {
        id: r.id,
        platform: f.platform,
        channel_id: f.channel_id,
        scope_id: f.scope_id,
        deck_id: f.deck_id,
        item_id: f.item_id,
        mode: f.mode,
        step_seconds: f.step_seconds,
        locale: f.locale,
        started_at: f.started_at,
        status: 'running',
        step: r.step,
        due_at: r.due_at,
        first_solver_id: r.first_solver_id,
        host_id: r.host_id,
        end_reason: null,
        ended_at: null,
      };
    });
  }
}
