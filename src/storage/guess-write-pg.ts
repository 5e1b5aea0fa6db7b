/**
 * PostgreSQL's twin of `writeGuesses` (./guess-write.ts): a batch's players' round rows, guesses, names,
 * scores and recognitions in one statement of data-modifying CTEs, each table's rows passed as arrays
 * (`unnest`). Six or more round trips become one, and the statement's text, and so its plan, no longer
 * depends on the batch's size.
 *
 * The parts of one statement all read the database as it was when it began, and none sees another's
 * rows. That is what the writes need: the recognitions update touches only first encounters stored
 * before the batch (one this batch inserts carries its known step already), and a name is written
 * only where the stored one differs. No part touches a row twice: keys are merged per table first.
 */
import { sql, type Transaction } from 'kysely';
import type { GuessBatchRows, GuessRecord, RecognitionRow } from './guess-write.ts';
import type { RoundPlayerRow } from './rounds.ts';
import type { Database } from './schema.ts';

/** The rows as one array per column (the picked tuple's order). */
function columns<T>(rows: readonly T[], pick: (r: T) => unknown[]): unknown[][] {
  const out: unknown[][] = [];
  for (const r of rows) pick(r).forEach((v, i) => (out[i] ??= []).push(v));
  return out;
}

/** `columns` of no rows still gives `n` (empty) columns. */
const pad = (cols: unknown[][], n: number): unknown[][] => Array.from({ length: n }, (_, i) => cols[i] ?? []);

export async function writeGuessesPg(trx: Transaction<Database>, gs: GuessRecord[], players: RoundPlayerRow[], rows: GuessBatchRows): Promise<void> {
  const [rpRound, rpPlayer, rpName, rpCount, rpGuesses, rpSolved, rpPoints] = pad(
    columns(players, ({ roundId, player: p }) => [roundId, p.id, p.name, p.countStep, p.guesses, p.solvedStep ?? null, p.points]),
    7,
  );
  const [gRound, gPlayer, gChannel, gScope, gDeck, gItem, gMode, gStep, gText, gVerdict, gPoints, gFirst, gAt] = pad(
    columns(gs, (g) => [g.roundId, g.playerId, g.channelId, g.scopeId, g.deckId, g.itemId, g.mode, g.step, g.textNorm, g.verdict, g.points, g.first ? 1 : 0, g.at]),
    13,
  );
  const [nId, nName, nAt] = pad(
    columns(rows.names, (n) => [n.id, n.name, n.updated_at]),
    3,
  );
  const [sScope, sScopeId, sPlayer, sPoints, sWins, sSolved, sAt] = pad(
    columns(rows.scores, (s) => [s.scope, s.scope_id, s.player_id, s.points, s.wins, s.solved, s.updated_at]),
    7,
  );
  const recognition = (r: RecognitionRow) => [r.player_id, r.deck_id, r.item_id, r.round_id, r.scope_id, r.first_step, r.first_at, r.known_step, r.known_at];
  const [fPlayer, fDeck, fItem, fRound, fScope, fStep, fAt, fKnown, fKnownAt] = pad(columns(rows.firstEncounters, recognition), 9);
  const [kPlayer, kDeck, kItem, kRound, , , , kKnown, kKnownAt] = pad(columns(rows.known, recognition), 9);
  await sql`
    WITH round_player_rows AS (
      INSERT INTO round_players (round_id, player_id, name, count_step, guesses, solved_step, points)
      SELECT * FROM unnest(${rpRound}::text[], ${rpPlayer}::text[], ${rpName}::text[], ${rpCount}::int[], ${rpGuesses}::int[], ${rpSolved}::int[], ${rpPoints}::int[])
      ON CONFLICT (round_id, player_id) DO UPDATE SET name = excluded.name, count_step = excluded.count_step,
        guesses = excluded.guesses, solved_step = excluded.solved_step, points = excluded.points
    ), guess_rows AS (
      INSERT INTO guesses (round_id, player_id, channel_id, scope_id, deck_id, item_id, mode, step, text_norm, verdict, points, first, created_at)
      SELECT * FROM unnest(${gRound}::text[], ${gPlayer}::text[], ${gChannel}::text[], ${gScope}::text[], ${gDeck}::text[], ${gItem}::text[],
        ${gMode}::text[], ${gStep}::int[], ${gText}::text[], ${gVerdict}::text[], ${gPoints}::int[], ${gFirst}::int[], ${gAt}::bigint[])
    ), name_rows AS (
      -- Only names that changed: an upsert would lock every player row it finds, changed or not.
      INSERT INTO players (id, name, updated_at)
      SELECT n.id, n.name, n.updated_at FROM unnest(${nId}::text[], ${nName}::text[], ${nAt}::bigint[]) AS n(id, name, updated_at)
      WHERE NOT EXISTS (SELECT 1 FROM players p WHERE p.id = n.id AND p.name = n.name)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at WHERE players.name <> excluded.name
    ), score_rows AS (
      INSERT INTO scores (scope, scope_id, player_id, points, wins, solved, updated_at)
      SELECT * FROM unnest(${sScope}::text[], ${sScopeId}::text[], ${sPlayer}::text[], ${sPoints}::int[], ${sWins}::int[], ${sSolved}::int[], ${sAt}::bigint[])
      ON CONFLICT (scope, scope_id, player_id) DO UPDATE SET points = scores.points + excluded.points, wins = scores.wins + excluded.wins,
        solved = scores.solved + excluded.solved, updated_at = excluded.updated_at
    ), first_rows AS (
      INSERT INTO recognitions (player_id, deck_id, item_id, round_id, scope_id, first_step, first_at, known_step, known_at)
      SELECT * FROM unnest(${fPlayer}::text[], ${fDeck}::text[], ${fItem}::text[], ${fRound}::text[], ${fScope}::text[], ${fStep}::int[],
        ${fAt}::bigint[], ${fKnown}::int[], ${fKnownAt}::bigint[])
      ON CONFLICT (player_id, deck_id, item_id) DO NOTHING
    ), known_rows AS (
      UPDATE recognitions r SET known_step = k.known_step, known_at = k.known_at
      FROM unnest(${kPlayer}::text[], ${kDeck}::text[], ${kItem}::text[], ${kRound}::text[], ${kKnown}::int[], ${kKnownAt}::bigint[])
        AS k(player_id, deck_id, item_id, round_id, known_step, known_at)
      WHERE r.player_id = k.player_id AND r.deck_id = k.deck_id AND r.item_id = k.item_id AND r.round_id = k.round_id AND r.known_step IS NULL
    )
    SELECT 1`.execute(trx);
}
