/**
 * The statistics' SQL, through Kysely, the same on SQLite and PostgreSQL. Attempts come from
 * recognition_counts: the recognitions (one row per player and picture: the first encounter, and the
 * step at which the player knew it there, written with the guess that decided it) of rounds that have
 * ended, counted by picture, server, outcome and last step shown, kept current by triggers. Only a
 * handful of rows (outcome × server) comes back per picture;
 * src/core/stats/figures.ts turns them into curves, thresholds and medians (the definitions are there).
 *
 * Indexes (migrations 0003, 0004, 0110, 0500): recognition_counts' primary key (deck_id, item_id, scope_id,
 * known_step, seen) and recognition_counts_scope (scope_id, …), the recognitions' primary key
 * (player_id, deck_id, item_id), rounds by id, guesses_wrong (deck_id, item_id, step, text_norm,
 * player_id, round_id) over wrong guesses only, and guesses_scope (scope_id) for a server's totals.
 *
 * Rounds still running are left out everywhere: their figures would move while people play, and a
 * count that moves during a round would tell which picture is on screen.
 */
import { anonymiseDeckActor } from '../decks/forget.ts';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AttemptRow, WrongGuess } from '../core/stats/figures.ts';
import type { PrivacyCounts } from '../core/stats/reports.ts';
import { ALL_SERVERS } from '../storage/migrations.ts';
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

export interface AttemptsShape {
  /** Group by picture (else all selected pictures pooled, deckId/itemId ''). */
  byPicture?: boolean;
  /** Group by the server of the first encounter. */
  byScope?: boolean;
  /** Count the attempts that were in this server in `here`. */
  here?: string;
}

/**
 * First encounters (`where` narrows the counts, alias rc), counted by outcome: the recognition step,
 * or null and the last step the round showed (`seen`, 1..6; 6 for the recognised, where it does not
 * matter). They come from recognition_counts, which triggers keep equal to the recognitions of rounds
 * no longer running (migration 0110), so rounds still running are left out and nothing is joined.
 * Pooled figures read the all-servers rows (ALL_SERVERS), plus the `here` server's rows for its share.
 */
function attemptsQuery(where: RawBuilder<unknown>, shape: AttemptsShape = {}): RawBuilder<AttemptCountRow> {
  const picture = shape.byPicture ? sql`rc.deck_id AS "deckId", rc.item_id AS "itemId"` : sql`'' AS "deckId", '' AS "itemId"`;
  const keys = sql.join(
    [...(shape.byPicture ? [sql`rc.deck_id`, sql`rc.item_id`] : []), ...(shape.byScope ? [sql`rc.scope_id`] : []), sql`rc.known_step`, sql`rc.seen`],
    sql`, `,
  );
  let scopes: RawBuilder<unknown>;
  let n: RawBuilder<unknown> = sql`SUM(rc.n)`;
  let here: RawBuilder<unknown> = sql`0`;
  if (shape.byScope) {
    scopes = sql`rc.scope_id <> ${ALL_SERVERS}`;
    if (shape.here !== undefined) here = sql`SUM(CASE WHEN rc.scope_id = ${shape.here} THEN rc.n ELSE 0 END)`;
  } else if (shape.here !== undefined) {
    scopes = sql`rc.scope_id IN (${ALL_SERVERS}, ${shape.here})`;
    n = sql`SUM(CASE WHEN rc.scope_id = ${ALL_SERVERS} THEN rc.n ELSE 0 END)`;
    here = sql`SUM(CASE WHEN rc.scope_id = ${shape.here} THEN rc.n ELSE 0 END)`;
  } else {
    scopes = sql`rc.scope_id = ${ALL_SERVERS}`;
  }
  return sql<AttemptCountRow>`
    SELECT ${picture}, ${shape.byScope ? sql`rc.scope_id` : sql`''`} AS "scopeId", NULLIF(rc.known_step, 0) AS "recStep", rc.seen AS seen,
           CAST(${n} AS integer) AS n, CAST(${here} AS integer) AS here
    FROM recognition_counts rc
    WHERE ${where} AND ${scopes}
    GROUP BY ${keys}
    HAVING ${n} > 0
    ORDER BY ${keys}`;
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
  if (filter.deckId !== undefined) where = sql`${where} AND rc.deck_id = ${filter.deckId}`;
  if (filter.itemId !== undefined) where = sql`${where} AND rc.item_id = ${filter.itemId}`;
  return rows(db, attemptsQuery(where, { ...shape, byPicture: true }));
}

/** One picture's attempts (all servers pooled), with those in the `here` server counted apart. */
export function pictureAttempts(db: Db, deckId: string, itemId: string, here?: string): Promise<AttemptCountRow[]> {
  return rows(db, pictureQuery(deckId, itemId, here));
}

function pictureQuery(deckId: string, itemId: string, here?: string): RawBuilder<AttemptCountRow> {
  return attemptsQuery(sql`rc.deck_id = ${deckId} AND rc.item_id = ${itemId}`, { here });
}

/** Every picture of a deck: attempts by picture, with those in the `here` server counted apart. */
export function deckAttempts(db: Db, deckId: string, here?: string): Promise<AttemptCountRow[]> {
  return rows(db, attemptsQuery(sql`rc.deck_id = ${deckId}`, { byPicture: true, here }));
}

/** Every picture: attempts by picture (the knowledge effect). */
export function allAttempts(db: Db): Promise<AttemptCountRow[]> {
  return rows(db, attemptsQuery(sql`1 = 1`, { byPicture: true }));
}

/**
 * The first encounters that were in this server, by picture (`here` = `n`): what the server's own
 * curves are made of.
 */
export function serverAttempts(db: Db, scopeId: string): Promise<AttemptCountRow[]> {
  return rows(db, serverQuery(scopeId));
}

function serverQuery(scopeId: string): RawBuilder<AttemptCountRow> {
  // This server's rows only: every attempt in them is `here`.
  return sql<AttemptCountRow>`
    SELECT rc.deck_id AS "deckId", rc.item_id AS "itemId", '' AS "scopeId", NULLIF(rc.known_step, 0) AS "recStep", rc.seen AS seen,
           CAST(rc.n AS integer) AS n, CAST(rc.n AS integer) AS here
    FROM recognition_counts rc
    WHERE rc.scope_id = ${scopeId} AND rc.n > 0
    ORDER BY rc.deck_id, rc.item_id, rc.known_step, rc.seen`;
}

/**
 * All attempts (everyone's, the player's included) on the pictures this player recognised at first
 * encounter, by picture: the pictures a personal threshold is compared on.
 */
export function attemptsOnPlayersRecognised(db: Db, playerId: string): Promise<AttemptCountRow[]> {
  const pictures = sql`(rc.deck_id, rc.item_id) IN (SELECT deck_id, item_id FROM recognitions
    WHERE player_id = ${playerId} AND known_step IS NOT NULL)`;
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

/** The player's own first encounters: one row per picture, with the recognition step, or null. */
export function playerFirstEncounters(
  db: Db,
  playerId: string,
): Promise<{ deckId: string; itemId: string; recStep: number | null }[]> {
  return rows(
    db,
    sql<{ deckId: string; itemId: string; recStep: number | null }>`
      SELECT rc.deck_id AS "deckId", rc.item_id AS "itemId", rc.known_step AS "recStep"
      FROM recognitions rc
      JOIN rounds r ON r.id = rc.round_id
      WHERE rc.player_id = ${playerId} AND r.status <> 'running'
      ORDER BY rc.deck_id, rc.item_id`,
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
      FROM guesses
      WHERE deck_id = ${deckId} AND item_id = ${itemId} AND verdict = 'wrong' AND text_norm <> ''
        AND round_id NOT IN (SELECT id FROM rounds WHERE status = 'running')
      GROUP BY step, text_norm
    ),
    ranked AS (
      SELECT step, text_norm, players,
             ROW_NUMBER() OVER (PARTITION BY step ORDER BY players DESC, text_norm) AS rk
      FROM w
    )
    SELECT step, text_norm AS text, CAST(players AS integer) AS players FROM ranked WHERE rk <= ${perStep} ORDER BY step, rk`;
}

/** Rounds played in a server, and its players and guesses (rounds still running left out). */
export async function serverTotals(db: Db, scopeId: string): Promise<{ rounds: number; players: number; guesses: number }> {
  const r = await rows(
    db,
    sql<{ rounds: number }>`SELECT COUNT(*) AS rounds FROM rounds WHERE scope_id = ${scopeId} AND status <> 'running'`,
  );
  const g = await rows(db, serverGuessesQuery(scopeId));
  return { rounds: r[0]?.rounds ?? 0, players: g[0]?.players ?? 0, guesses: g[0]?.guesses ?? 0 };
}

/**
 * A server's players and guesses. A guess keeps its round's server: they are read from guesses_scope,
 * leaving out those of rounds still running (a handful, found by rounds_one_running).
 */
function serverGuessesQuery(scopeId: string): RawBuilder<{ players: number; guesses: number }> {
  return sql<{ players: number; guesses: number }>`
    SELECT COUNT(DISTINCT g.player_id) AS players, COUNT(*) AS guesses
    FROM guesses g
    WHERE g.scope_id = ${scopeId} AND g.round_id NOT IN (SELECT id FROM rounds WHERE status = 'running')`;
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
 * Forgets a player everywhere, in one transaction: their guesses, recognitions, scores (every board)
 * and name are deleted; rounds they hosted or first solved no longer name them. Other players' data
 * is untouched.
 */
export async function forgetPlayer(db: Db, playerId: string): Promise<PrivacyCounts> {
  return db.transaction().execute(async (trx) => {
    const guesses = await trx.deleteFrom('guesses').where('player_id', '=', playerId).executeTakeFirst();
    await trx.deleteFrom('recognitions').where('player_id', '=', playerId).execute();
    await trx.deleteFrom('daily_plays').where('player_id', '=', playerId).execute();
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
    await anonymiseDeckActor(trx, playerId);
    return {
      guesses: Number(guesses.numDeletedRows),
      scores: Number(scores.numDeletedRows),
      rounds: Number(solved.numUpdatedRows) + Number(hosted.numUpdatedRows),
    };
  });
}

/**
 * The plan of a statistics query, one line per step: SQLite's `EXPLAIN QUERY PLAN` details, or
 * PostgreSQL's `EXPLAIN` lines (tests and the bench check that the indexes are used).
 */
export async function explain(db: Db, q: RawBuilder<unknown>, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const compiled = q.compile(db);
  if (dialect === 'sqlite') {
    const res = await db.executeQuery<{ detail: string }>({ ...compiled, sql: `EXPLAIN QUERY PLAN ${compiled.sql}` });
    return res.rows.map((r) => r.detail);
  }
  const res = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `EXPLAIN ${compiled.sql}` });
  return res.rows.map((r) => r['QUERY PLAN']);
}

/** The main queries, for `explain()`. */
export const statsQueries = {
  picture: (deckId: string, itemId: string, here = '') => pictureQuery(deckId, itemId, here),
  deck: (deckId: string) => attemptsQuery(sql`rc.deck_id = ${deckId}`, { byPicture: true }),
  wrong: (deckId: string, itemId: string) => wrongQuery(deckId, itemId, 3),
  server: (scopeId: string) => serverQuery(scopeId),
  serverGuesses: (scopeId: string) => serverGuessesQuery(scopeId),
};
