/**
 * Leaderboards over a time range, read from the guesses themselves (each keeps its points and its
 * time), so a week's or a month's board is a query and nothing is ever reset. The totals follow the
 * same rules as the all-time `scores` rows: only guesses that scored count, a race's first solver wins.
 * Partial indexes over scoring guesses (migration 0300) keep it to the period's rows.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { LeaderboardRow, ScoreScope } from './store.ts';

export async function periodLeaderboard(
  db: Kysely<Database>,
  scope: ScoreScope,
  scopeId: string,
  range: { from: number; to: number },
  limit = 10,
): Promise<LeaderboardRow[]> {
  const where =
    scope === 'channel' ? sql`g.channel_id = ${scopeId}` : scope === 'server' ? sql`g.scope_id = ${scopeId}` : sql`1 = 1`;
  const { rows } = await sql<LeaderboardRow>`
    SELECT t.player_id AS "playerId", p.name AS name, t.points AS points, t.wins AS wins, t.solved AS solved
    FROM (
      SELECT g.player_id,
             CAST(SUM(g.points) AS integer) AS points,
             CAST(SUM(CASE WHEN g.first = 1 AND g.mode = 'race' THEN 1 ELSE 0 END) AS integer) AS wins,
             CAST(SUM(CASE WHEN g.verdict = 'correct' THEN 1 ELSE 0 END) AS integer) AS solved
      FROM guesses g
      WHERE ${where} AND g.points > 0 AND g.created_at >= ${range.from} AND g.created_at < ${range.to}
      GROUP BY g.player_id
    ) t
    JOIN players p ON p.id = t.player_id
    ORDER BY t.points DESC, t.wins DESC, p.name
    LIMIT ${limit}`.execute(db);
  return rows;
}
