/**
 * Writing one guess inside the transition's transaction: its row, the player's name and its points in
 * every score scope. Portable Kysely, so the same code runs on SQLite and PostgreSQL.
 */
import { sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

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

export async function writeGuess(trx: Transaction<Database>, g: GuessRecord): Promise<void> {
  await trx
    .insertInto('guesses')
    .values({
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
    })
    .execute();
  await trx
    .insertInto('players')
    .values({ id: g.playerId, name: g.playerName, updated_at: g.at })
    // Writes only when the name changed: most guesses come from players already known.
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: g.playerName, updated_at: g.at }).where('players.name', '!=', g.playerName))
    .execute();
  if (g.points <= 0 && !g.win) return;
  const wins = g.win ? 1 : 0;
  const solved = g.verdict === 'correct' ? 1 : 0;
  for (const [scope, scopeId] of [
    ['channel', g.channelId],
    ['server', g.scopeId],
    ['global', GLOBAL_SCOPE_ID],
  ] as const) {
    await trx
      .insertInto('scores')
      .values({ scope, scope_id: scopeId, player_id: g.playerId, points: g.points, wins, solved, updated_at: g.at })
      .onConflict((oc) =>
        oc.columns(['scope', 'scope_id', 'player_id']).doUpdateSet({
          points: sql`scores.points + ${g.points}`,
          wins: sql`scores.wins + ${wins}`,
          solved: sql`scores.solved + ${solved}`,
          updated_at: g.at,
        }),
      )
      .execute();
  }
}
