/**
 * Writing guesses inside the caller's transaction: their rows, the players' names, their points in
 * every score scope, and the players' recognitions of the picture (first encounter; when they knew it).
 * Portable Kysely, so the same code runs on SQLite and PostgreSQL.
 */
import { sql, type Transaction } from 'kysely';
import { writeGuessesPg } from './guess-write-pg.ts';
import { isPostgres, upsertPlayers, type RoundPlayerRow } from './rounds.ts';
import type { Database } from './schema.ts';
import { runShaped } from './shaped.ts';

export const GLOBAL_SCOPE_ID = 'all';

export interface GuessRecord {
  roundId: string;
  playerId: string;
  playerName: string;
  channelId: string;
  scopeId: string;
  deckId: string;
  itemId: string;
  mode: string;
  step: number;
  /** Normalised guess text only; never the raw message. */
  textNorm: string;
  verdict: string;
  points: number;
  first: boolean;
  /** Race winner: counts a win on the leaderboard. */
  win: boolean;
  at: number;
}

/** One guess (the round's transition writes it in its own transaction). */
export function writeGuess(trx: Transaction<Database>, g: GuessRecord): Promise<void> {
  return writeGuesses(trx, [g]);
}

/**
 * All of these guesses, in one transaction, with the players' round rows the batch left (`players`,
 * read under the channels' locks). Each table gets multi-row statements; rows that update the same key
 * are merged first (one statement may not touch a row twice on PostgreSQL), and keys are written in
 * sorted order, so that instances writing at once lock rows in the same order. PostgreSQL writes it
 * all in one statement (./guess-write-pg.ts): each round trip there costs both processes CPU.
 */
export async function writeGuesses(trx: Transaction<Database>, gs: GuessRecord[], players: RoundPlayerRow[] = []): Promise<void> {
  const rows = guessBatchRows(gs);
  if (isPostgres(trx)) return writeGuessesPg(trx, gs, players, rows);
  if (players.length > 0) await upsertPlayers(trx, players);
  // Each statement below is compiled once per row count (shaped.ts): its rows hold exactly the values to bind.
  for (const part of chunks(gs)) {
    await runShaped(
      trx,
      'guesses.insert',
      part.map((g) => ({
        round_id: g.roundId,
        player_id: g.playerId,
        channel_id: g.channelId,
        scope_id: g.scopeId,
        deck_id: g.deckId,
        item_id: g.itemId,
        mode: g.mode,
        step: g.step,
        text_norm: g.textNorm,
        verdict: g.verdict,
        points: g.points,
        first: g.first ? 1 : 0,
        created_at: g.at,
      })),
      (vs) => trx.insertInto('guesses').values(vs),
    );
  }
  // The latest name of each player, written only where it changed: on SQLite an upsert whose WHERE keeps
  // the row as it is writes nothing, so no read first (PostgreSQL's twin reads first: there it would lock the row).
  for (const part of chunks(rows.names)) {
    await runShaped(trx, 'players.upsert', part, (vs) =>
      trx
        .insertInto('players')
        .values(vs)
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet({ name: sql`excluded.name`, updated_at: sql`excluded.updated_at` })
            .whereRef('players.name', '<>', 'excluded.name'),
        ),
    );
  }
  for (const part of chunks(rows.scores)) {
    await runShaped(trx, 'scores.add', part, (vs) =>
      trx
        .insertInto('scores')
        .values(vs)
        .onConflict((oc) =>
          oc.columns(['scope', 'scope_id', 'player_id']).doUpdateSet({
            points: sql`scores.points + excluded.points`,
            wins: sql`scores.wins + excluded.wins`,
            solved: sql`scores.solved + excluded.solved`,
            updated_at: sql`excluded.updated_at`,
          }),
        ),
    );
  }
  for (const part of chunks(rows.firstEncounters)) {
    await runShaped(trx, 'recognitions.first', part, (vs) =>
      trx
        .insertInto('recognitions')
        .values(vs)
        .onConflict((oc) => oc.columns(['player_id', 'deck_id', 'item_id']).doNothing()),
    );
  }
  for (const r of rows.known) {
    const known = { known_step: r.known_step, known_at: r.known_at, player_id: r.player_id, deck_id: r.deck_id, item_id: r.item_id, round_id: r.round_id };
    await runShaped(trx, 'recognitions.known', [known], ([k]) =>
      trx
        .updateTable('recognitions')
        .set({ known_step: k!.known_step, known_at: k!.known_at })
        .where('player_id', '=', k!.player_id)
        .where('deck_id', '=', k!.deck_id)
        .where('item_id', '=', k!.item_id)
        .where('round_id', '=', k!.round_id)
        .where('known_step', 'is', null),
    );
  }
}

/** What a batch of guesses writes besides the guesses themselves, merged per key and in key order. */
export interface GuessBatchRows {
  /** Each guesser's latest name (stored only where it changed). */
  names: { id: string; name: string; updated_at: number }[];
  /** Points, wins and solves to add, per (scope, scope id, player). */
  scores: { scope: string; scope_id: string; player_id: string; points: number; wins: number; solved: number; updated_at: number }[];
  /** Each (player, picture)'s first round in the batch: inserted unless the player met the picture before. */
  firstEncounters: RecognitionRow[];
  /** Rows where the player knew the picture: set on the stored first encounter, if it is this round's and not yet known. */
  known: RecognitionRow[];
}

/**
 * A guess batch's rows for players, scores and recognitions. A first encounter is inserted once and
 * never replaced (a row that exists already is left alone, without locking it); within the batch, a
 * player's first round on the picture is inserted (a later round's row would find it). The step at
 * which the player knew it is set only in the first-encounter round, only once.
 */
export function guessBatchRows(gs: GuessRecord[]): GuessBatchRows {
  const names = new Map<string, { id: string; name: string; updated_at: number }>();
  for (const g of gs) names.set(g.playerId, { id: g.playerId, name: g.playerName, updated_at: g.at });
  const scores = new Map<string, GuessBatchRows['scores'][number]>();
  for (const g of gs) {
    if (g.points <= 0 && !g.win) continue;
    const scopes: [string, string][] = [
      ['channel', g.channelId],
      ['server', g.scopeId],
      ['global', GLOBAL_SCOPE_ID],
    ];
    for (const [scope, scopeId] of scopes) {
      const key = `${scope}\u0000${scopeId}\u0000${g.playerId}`;
      const row = scores.get(key) ?? { scope, scope_id: scopeId, player_id: g.playerId, points: 0, wins: 0, solved: 0, updated_at: g.at };
      row.points += g.points;
      row.wins += g.win ? 1 : 0;
      row.solved += g.verdict === 'correct' ? 1 : 0;
      row.updated_at = g.at;
      scores.set(key, row);
    }
  }
  const recognitions = recognitionRows(gs);
  return {
    names: sortedValues(names),
    scores: sortedValues(scores),
    firstEncounters: recognitions.filter((r) => r.first).map((r) => r.row),
    known: recognitions.filter((r) => r.row.known_step !== null).map((r) => r.row),
  };
}

/** Rows per multi-row statement: well under SQLite's and PostgreSQL's limits on bound values. */
const ROWS_PER_STATEMENT = 400;

function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) yield rows.slice(i, i + ROWS_PER_STATEMENT);
}

function sortedValues<T>(m: Map<string, T>): T[] {
  return [...m.keys()].sort().map((k) => m.get(k)!);
}

export type RecognitionRow = Database['recognitions'];

/**
 * The recognition rows of a batch: per (player, picture, round), the first guess and the first correct
 * one, in key order; `first` marks each (player, picture)'s first round in the batch.
 */
function recognitionRows(gs: GuessRecord[]): { row: RecognitionRow; first: boolean }[] {
  const perKey = new Map<string, RecognitionRow[]>();
  for (const g of gs) {
    const key = `${g.playerId}\u0000${g.deckId}\u0000${g.itemId}`;
    let rounds = perKey.get(key);
    if (!rounds) perKey.set(key, (rounds = []));
    let row = rounds.find((r) => r.round_id === g.roundId);
    if (!row) {
      row = {
        player_id: g.playerId,
        deck_id: g.deckId,
        item_id: g.itemId,
        round_id: g.roundId,
        scope_id: g.scopeId,
        first_step: g.step,
        first_at: g.at,
        known_step: null,
        known_at: null,
      };
      rounds.push(row);
    }
    if (g.verdict === 'correct' && row.known_step === null) {
      row.known_step = g.step;
      row.known_at = g.at;
    }
  }
  return [...perKey.keys()].sort().flatMap((key) => perKey.get(key)!.map((row, i) => ({ row, first: i === 0 })));
}
