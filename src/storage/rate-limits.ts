/**
 * The per-user spam guard, kept in the database so that it holds across instances: a fixed window per
 * user, counted by one portable upsert (SQLite and PostgreSQL both return the new count). Time comes
 * from the caller (the runtime's injected clock), never from the database.
 */
import { sql, type Kysely } from 'kysely';
import type { RateLimiter } from '../runtime/dispatch.ts';
import type { Database } from './schema.ts';

export function databaseRateLimiter(db: Kysely<Database>, rate: { burst: number; windowMs: number }): RateLimiter {
  return {
    async take(key: string, now: number): Promise<boolean> {
      const windowStart = now - (now % rate.windowMs);
      const row = await db
        .insertInto('rate_limits')
        .values({ key, window_start: windowStart, hits: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            hits: sql`CASE WHEN rate_limits.window_start = ${windowStart} THEN rate_limits.hits + 1 ELSE 1 END`,
            window_start: windowStart,
          }),
        )
        .returning('hits')
        .executeTakeFirstOrThrow();
      return Number(row.hits) <= rate.burst;
    },
  };
}
