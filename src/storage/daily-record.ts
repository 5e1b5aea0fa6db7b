/**
 * Daily plays in the statistics. A finished play counts as a first encounter (like an experiment round:
 * everyone sees every step in order), but only once its UTC day is over: while the day lasts, a picture
 * whose counts grow in `/stats server` or `/stats picture` would tell who has not played yet which
 * picture is today's. So the play stays in `daily_plays` alone (where `/daily stats` reads it) until a
 * later read of the statistics releases it; `recorded` makes that happen once, whichever instance or
 * process gets there first.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { utcDay, type DailyGuess, type DailyPlay } from '../core/daily/daily.ts';
import { writeGuesses } from './guess-write.ts';
import type { DailyPlaysTable, Database } from './schema.ts';

export function toPlay(row: DailyPlaysTable): DailyPlay {
  let guesses: DailyGuess[] = [];
  try {
    guesses = JSON.parse(row.guesses) as DailyGuess[];
  } catch {
    guesses = [];
  }
  return {
    day: row.day,
    step: row.step,
    guessesAtStep: row.guesses_at_step,
    knownStep: row.known_step,
    finished: row.finished === 1,
    guesses,
  };
}

/**
 * Writes the finished plays of the days before `now`'s UTC day into the statistics; returns how many.
 * Cheap when there is nothing to do (a partial index holds only the plays waiting).
 */
export async function releaseDailyPlays(db: Kysely<Database>, now: number): Promise<number> {
  const waiting = await db
    .selectFrom('daily_plays')
    .selectAll()
    .where('finished', '=', 1)
    .where('recorded', '=', 0)
    .where('day', '<', utcDay(now))
    .execute();
  let n = 0;
  for (const row of waiting) {
    const done = await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('daily_plays')
        .set({ recorded: 1 })
        .where('day', '=', row.day)
        .where('player_id', '=', row.player_id)
        .where('recorded', '=', 0)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return false;
      await recordEncounter(trx, row, toPlay(row), row.finished_at ?? now);
      return true;
    });
    if (done) n++;
  }
  return n;
}

/**
 * The play as a first encounter, like an experiment round: a closed round row (mode `daily`, the last
 * step the player saw), its guesses (no points: the daily is not on the leaderboards), and the player's
 * recognition with the whole ladder seen from step 1. A player who met the picture before keeps that
 * earlier first encounter.
 */
async function recordEncounter(trx: Transaction<Database>, row: DailyPlaysTable, play: DailyPlay, endedAt: number): Promise<void> {
  // A random id: a round id naming the player would outlive a forget-me.
  const roundId = `daily-${randomUUID()}`;
  await trx
    .insertInto('rounds')
    .values({
      id: roundId,
      platform: row.platform,
      channel_id: row.channel_id,
      scope_id: row.scope_id,
      deck_id: row.deck_id,
      item_id: row.item_id,
      mode: 'daily',
      step_seconds: 0,
      host_id: row.player_id,
      locale: row.locale,
      status: 'ended',
      end_reason: 'daily',
      step: play.knownStep ?? play.step,
      first_solver_id: null,
      started_at: row.started_at,
      ended_at: endedAt,
      due_at: null,
      owner_id: null,
      lease_until: null,
      message_ref: null,
      announced: 1,
    })
    .execute();
  const known = play.guesses.find((g) => g.verdict === 'correct');
  await trx
    .insertInto('recognitions')
    .values({
      player_id: row.player_id,
      deck_id: row.deck_id,
      item_id: row.item_id,
      round_id: roundId,
      scope_id: row.scope_id,
      first_step: 1,
      first_at: row.started_at,
      known_step: known ? known.step : null,
      known_at: known ? known.at : null,
    })
    .onConflict((oc) => oc.columns(['player_id', 'deck_id', 'item_id']).doNothing())
    .execute();
  if (play.guesses.length) {
    await writeGuesses(
      trx,
      play.guesses.map((g) => ({
        roundId,
        playerId: row.player_id,
        playerName: row.name,
        channelId: row.channel_id,
        scopeId: row.scope_id,
        deckId: row.deck_id,
        itemId: row.item_id,
        mode: 'daily',
        step: g.step,
        textNorm: g.textNorm,
        verdict: g.verdict,
        points: 0,
        first: false,
        win: false,
        at: g.at,
      })),
    );
  }
}
