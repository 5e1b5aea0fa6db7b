/**
 * The statistics' SQL, over the guesses table (Kysely on SQLite). The database does the heavy part:
 * it finds each player's first encounter with a picture and groups the attempts by outcome, so only a
 * handful of rows (outcome × server) comes back per picture. src/core/stats/figures.ts turns those
 * rows into curves, thresholds and medians; the definitions are written there.
 *
 * Every query reads a covering index made by migration 0002_stats (check with `explain()` below):
 *   guesses_stats_attempts (deck_id, item_id, player_id, round_id, verdict, step, scope_id)
 *   guesses_stats_wrong    (deck_id, item_id, verdict, step, text_norm, player_id, round_id)
 *   guesses_stats_player   (player_id, deck_id, item_id, round_id, verdict, step)
 *   guesses_stats_scope    (scope_id, deck_id, item_id, player_id, round_id)
 *   rounds_stats_scope     (scope_id, deck_id, item_id)
 *   rounds_stats_step      (id, step)
 *
 * Rounds still running are left out everywhere: their figures would move while people play, and a
 * count that moves during a round would tell which picture is on screen.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AttemptRow, WrongGuess } from '../core/stats/figures.ts';
import type { PrivacyCounts } from '../core/stats/reports.ts';
import type { Database } from '../storage/schema.ts';

/** Attempt rows, optionally by picture and by server, with how many of them were in the caller's server. */
export interface AttemptCountRow extends AttemptRow {
  deckId: string;
  itemId: string;
  /** The server of the first encounter (only when grouped by server; else ''). */
  scopeId: string;
  /** Of the `n` attempts, those whose first encounter was in the `here` server. */
  here: number;
}

type Db = Kysely<Database>;

const NOT_RUNNING = sql`round_id NOT IN (SELECT id FROM rounds WHERE status = 'running')`;

export interface AttemptsShape {
  /** Group by picture (else all selected pictures pooled, deckId/itemId ''). */
  byPicture?: boolean;
  /** Group by the server of the first encounter. */
  byScope?: boolean;
  /** Count the attempts that were in this server in `here`. */
  here?: string;
}

/**
 * First encounters, counted by outcome: recognition step (or null) and, for the unrecognised, the last
 * step their round showed (`seen`; 6 for the recognised, where it does not matter).
 * `where` narrows the guesses (to a picture, a deck, some players …) before the first encounter is
 * chosen, so it must keep all the guesses of each (picture, player) it keeps, or "first" would mean
 * "first among the selected guesses".
 *
 * One pass over the covering index, grouped by (picture, player) in index order, without sorting.
 * `fe1` keeps each player's first guess on the picture: it is the query's only MIN(), so SQLite fills
 * the bare columns round_id, scope_id, verdict and step from that row (documented behaviour), and
 * round_id is the first-encounter round. It also counts the player's correct guesses on the picture (k).
 * A first encounter in a round still running is left out (`NOT IN`, once per player).
 * `fe` packs the outcome in one number `o`, so that each lookup runs once:
 *   o = s > 0  recognised at step s: the first guess itself was correct, or an index seek finds the
 *              player's correct guess in that round;
 *   o = -c < 0 not recognised there (k = 0, or only in a later round); c = the round's last step,
 *              looked up in rounds_stats_step.
 */
function attemptsQuery(where: RawBuilder<unknown>, shape: AttemptsShape = {}): RawBuilder<AttemptCountRow> {
  // One picture: grouping by player alone is enough (and cheaper).
  const groupKey = shape.byPicture ? sql`deck_id, item_id, player_id` : sql`player_id`;
  const picture = shape.byPicture ? sql`deck_id, item_id` : sql`'' AS deck_id, '' AS item_id`;
  const scope = shape.byScope ? sql`scope_id` : sql`''`;
  const here = shape.here === undefined ? sql`0` : sql`SUM(first_scope = ${shape.here})`;
  const seen = sql`-(SELECT MIN(MAX(r.step, 1), 6) FROM rounds r INDEXED BY rounds_stats_step WHERE r.id = fe1.round_id)`;
  return sql<AttemptCountRow>`
    WITH fe1 AS (
      SELECT deck_id, item_id, player_id, round_id, scope_id, verdict, step, MIN(id) AS fid,
             SUM(verdict = 'correct') AS k
      FROM guesses INDEXED BY guesses_stats_attempts
      WHERE ${where}
      GROUP BY ${groupKey}
    ),
    fe AS (
      SELECT ${picture}, ${scope} AS scope_id, scope_id AS first_scope,
             CASE WHEN k = 0 THEN ${seen}
                  WHEN verdict = 'correct' THEN step
                  ELSE COALESCE(
                    (SELECT g.step FROM guesses g INDEXED BY guesses_stats_attempts
                     WHERE g.deck_id = fe1.deck_id AND g.item_id = fe1.item_id AND g.player_id = fe1.player_id
                       AND g.round_id = fe1.round_id AND g.verdict = 'correct'),
                    ${seen})
             END AS o
      FROM fe1
      WHERE ${NOT_RUNNING}
    )
    SELECT deck_id AS deckId, item_id AS itemId, scope_id AS scopeId,
           CASE WHEN o > 0 THEN o END AS recStep, CASE WHEN o > 0 THEN 6 ELSE -o END AS seen,
           COUNT(*) AS n, ${here} AS here
    FROM fe
    GROUP BY deck_id, item_id, scope_id, o
    ORDER BY deck_id, item_id, scope_id, o`;
}

async function rows<T>(db: Db, q: RawBuilder<T>): Promise<T[]> {
  return (await q.execute(db)).rows;
}

/** Attempts by picture (optionally by server too) on one picture, one deck, or every picture (no filter). */
export function attemptsOf(
  db: Db,
  filter: { deckId?: string; itemId?: string },
  shape: Omit<AttemptsShape, 'byPicture'> = {},
): Promise<AttemptCountRow[]> {
  let where = sql`1 = 1`;
  if (filter.deckId !== undefined) where = sql`${where} AND deck_id = ${filter.deckId}`;
  if (filter.itemId !== undefined) where = sql`${where} AND item_id = ${filter.itemId}`;
  return rows(db, attemptsQuery(where, { ...shape, byPicture: true }));
}

/** One picture's attempts (all servers pooled), with those in the `here` server counted apart. */
export function pictureAttempts(db: Db, deckId: string, itemId: string, here?: string): Promise<AttemptCountRow[]> {
  return rows(db, attemptsQuery(sql`deck_id = ${deckId} AND item_id = ${itemId}`, { here }));
}

/** Every picture of a deck: attempts by picture, with those in the `here` server counted apart. */
export function deckAttempts(db: Db, deckId: string, here?: string): Promise<AttemptCountRow[]> {
  return rows(db, attemptsQuery(sql`deck_id = ${deckId}`, { byPicture: true, here }));
}

/** Every picture: attempts by picture (the knowledge effect). */
export function allAttempts(db: Db): Promise<AttemptCountRow[]> {
  return rows(db, attemptsQuery(sql`1 = 1`, { byPicture: true }));
}

/**
 * The attempts of the players who guessed in this server, by picture: each one's first encounter with
 * the picture, wherever it was; `here` counts those that were in this server. Reads only those
 * players' guesses on those pictures (a first encounter is chosen per picture and player).
 */
export function serverAttempts(db: Db, scopeId: string): Promise<AttemptCountRow[]> {
  return rows(db, attemptsQuery(serverPlayers(scopeId), { byPicture: true, here: scopeId }));
}

function serverPlayers(scopeId: string): RawBuilder<unknown> {
  return sql`(deck_id, item_id, player_id) IN (SELECT deck_id, item_id, player_id
    FROM guesses INDEXED BY guesses_stats_scope WHERE scope_id = ${scopeId})`;
}

/**
 * All attempts (everyone's, the player's included) on the pictures this player has recognised at
 * least once, by picture: the pictures a personal threshold is compared on.
 */
export function attemptsOnPlayersRecognised(db: Db, playerId: string): Promise<AttemptCountRow[]> {
  const pictures = sql`(deck_id, item_id) IN (SELECT deck_id, item_id FROM guesses INDEXED BY guesses_stats_player
    WHERE player_id = ${playerId} AND verdict = 'correct')`;
  return rows(db, attemptsQuery(pictures, { byPicture: true }));
}

/** How many servers have played this picture (rounds that have ended). */
export async function pictureServers(db: Db, deckId: string, itemId: string): Promise<number> {
  const [r] = await rows(
    db,
    sql<{ n: number }>`SELECT COUNT(DISTINCT scope_id) AS n FROM rounds
      WHERE deck_id = ${deckId} AND item_id = ${itemId} AND status <> 'running'`,
  );
  return r?.n ?? 0;
}

/**
 * The player's own first encounters (same rules as `attemptsQuery`): one row per picture, with the
 * recognition step, or null.
 */
export function playerFirstEncounters(
  db: Db,
  playerId: string,
): Promise<{ deckId: string; itemId: string; recStep: number | null }[]> {
  return rows(
    db,
    sql<{ deckId: string; itemId: string; recStep: number | null }>`
      WITH fe1 AS (
        SELECT deck_id, item_id, player_id, round_id, verdict, step, MIN(id) AS fid, SUM(verdict = 'correct') AS k
        FROM guesses INDEXED BY guesses_stats_player
        WHERE player_id = ${playerId}
        GROUP BY deck_id, item_id
      )
      SELECT deck_id AS deckId, item_id AS itemId,
             CASE WHEN k = 0 THEN NULL
                  WHEN verdict = 'correct' THEN step
                  ELSE (SELECT g.step FROM guesses g INDEXED BY guesses_stats_player
                        WHERE g.player_id = fe1.player_id AND g.deck_id = fe1.deck_id AND g.item_id = fe1.item_id
                          AND g.round_id = fe1.round_id AND g.verdict = 'correct')
             END AS recStep
      FROM fe1
      WHERE ${NOT_RUNNING}
      ORDER BY deck_id, item_id`,
  );
}

/**
 * The most common wrong guesses of a picture at each step: distinct players per normalised text,
 * at most `perStep` per step, most players first (ties: alphabetical). Empty texts are skipped.
 * Only `wrong` verdicts: a `close` guess is part of the answer.
 */
export function wrongGuesses(db: Db, deckId: string, itemId: string, perStep = 3): Promise<WrongGuess[]> {
  return rows(db, wrongQuery(deckId, itemId, perStep));
}

function wrongQuery(deckId: string, itemId: string, perStep: number): RawBuilder<WrongGuess> {
  return sql<WrongGuess>`
    WITH w AS (
      SELECT step, text_norm, COUNT(DISTINCT player_id) AS players
      FROM guesses INDEXED BY guesses_stats_wrong
      WHERE deck_id = ${deckId} AND item_id = ${itemId} AND verdict = 'wrong' AND text_norm <> ''
        AND ${NOT_RUNNING}
      GROUP BY step, text_norm
    ),
    ranked AS (
      SELECT step, text_norm, players,
             ROW_NUMBER() OVER (PARTITION BY step ORDER BY players DESC, text_norm) AS rk
      FROM w
    )
    SELECT step, text_norm AS text, players FROM ranked WHERE rk <= ${perStep} ORDER BY step, rk`;
}

/** Rounds played in a server, and its players and guesses (rounds still running left out). */
export async function serverTotals(db: Db, scopeId: string): Promise<{ rounds: number; players: number; guesses: number }> {
  const r = await rows(
    db,
    sql<{ rounds: number }>`SELECT COUNT(*) AS rounds FROM rounds INDEXED BY rounds_stats_scope
      WHERE scope_id = ${scopeId} AND status <> 'running'`,
  );
  const g = await rows(
    db,
    sql<{ players: number; guesses: number }>`
      SELECT COUNT(DISTINCT player_id) AS players, COUNT(*) AS guesses
      FROM guesses INDEXED BY guesses_stats_scope
      WHERE scope_id = ${scopeId} AND ${NOT_RUNNING}`,
  );
  return { rounds: r[0]?.rounds ?? 0, players: g[0]?.players ?? 0, guesses: g[0]?.guesses ?? 0 };
}

/** What the database holds that names this player. */
export async function playerFootprint(db: Db, playerId: string): Promise<PrivacyCounts> {
  const [g] = await rows(db, sql<{ n: number }>`SELECT COUNT(*) AS n FROM guesses WHERE player_id = ${playerId}`);
  const [s] = await rows(db, sql<{ n: number }>`SELECT COUNT(*) AS n FROM scores WHERE player_id = ${playerId}`);
  const [r] = await rows(
    db,
    sql<{ n: number }>`SELECT COUNT(*) AS n FROM rounds WHERE host_id = ${playerId} OR first_solver_id = ${playerId}`,
  );
  return { guesses: g?.n ?? 0, scores: s?.n ?? 0, rounds: r?.n ?? 0 };
}

/** Marks a forgotten host in the rounds table (host_id is NOT NULL). */
export const FORGOTTEN_PLAYER = 'forgotten';

/**
 * Forgets a player everywhere, in one transaction: their guesses, scores (every board) and name are
 * deleted; rounds they hosted or first solved no longer name them. Other players' data is untouched.
 */
export async function forgetPlayer(db: Db, playerId: string): Promise<PrivacyCounts> {
  return db.transaction().execute(async (trx) => {
    const guesses = await trx.deleteFrom('guesses').where('player_id', '=', playerId).executeTakeFirst();
    const scores = await trx.deleteFrom('scores').where('player_id', '=', playerId).executeTakeFirst();
    await trx.deleteFrom('players').where('id', '=', playerId).execute();
    const solved = await trx
      .updateTable('rounds')
      .set({ first_solver_id: null })
      .where('first_solver_id', '=', playerId)
      .executeTakeFirst();
    const hosted = await trx
      .updateTable('rounds')
      .set({ host_id: FORGOTTEN_PLAYER })
      .where('host_id', '=', playerId)
      .executeTakeFirst();
    return {
      guesses: Number(guesses.numDeletedRows),
      scores: Number(scores.numDeletedRows),
      rounds: Number(solved.numUpdatedRows) + Number(hosted.numUpdatedRows),
    };
  });
}

/** `EXPLAIN QUERY PLAN` of a statistics query (tests and the bench check the indexes are used). */
export async function explain(db: Db, q: RawBuilder<unknown>): Promise<string[]> {
  const compiled = q.compile(db);
  const res = await db.executeQuery<{ detail: string }>({
    ...compiled,
    sql: `EXPLAIN QUERY PLAN ${compiled.sql}`,
  });
  return res.rows.map((r) => r.detail);
}

/** The main queries' SQL, for `explain()` (tests check the plans use the covering indexes). */
export const statsQueries = {
  picture: (deckId: string, itemId: string, here = '') =>
    attemptsQuery(sql`deck_id = ${deckId} AND item_id = ${itemId}`, { here }),
  deck: (deckId: string) => attemptsQuery(sql`deck_id = ${deckId}`, { byPicture: true }),
  wrong: (deckId: string, itemId: string) => wrongQuery(deckId, itemId, 3),
  server: (scopeId: string) => attemptsQuery(serverPlayers(scopeId), { byPicture: true, here: scopeId }),
};
