/**
 * The event's emergence report: per picture, how many of its players knew it at each step; the event's
 * curve (every player's attempt at every picture of the event, with the same definitions as /stats, see
 * src/core/stats/figures.ts) beside the all-time curve of the same pictures; and the event's threshold.
 */
import { STEP_COUNT as STAT_STEPS } from '../game/steps.ts';
import { curveFromAttempts, poolRows, type AttemptRow, type Curve } from '../stats/figures.ts';

export interface EventRoundResult {
  index: number;
  deckId: string;
  itemId: string;
  /** The last picture step the round showed (1..6): 6 for a round that ran its course. */
  seen: number;
  /** Each player's recognition step in that round (null: did not know it). */
  players: { solvedStep: number | null }[];
}

export interface PictureRow {
  index: number;
  deckId: string;
  itemId: string;
  players: number;
  /** Players who knew it at step s (index s-1). */
  perStep: number[];
  /** Players who knew it by step s. */
  cumulative: number[];
}

export interface EventReport {
  pictures: PictureRow[];
  /** The event's curve over all its attempts. */
  event: Curve;
  /** Everyone's first encounters with the same pictures, all time (the event's own included). */
  allTime: Curve;
}

export function eventAttemptRows(rounds: readonly EventRoundResult[]): AttemptRow[] {
  const rows: AttemptRow[] = [];
  for (const r of rounds) for (const p of r.players) rows.push({ recStep: p.solvedStep, seen: Math.min(Math.max(r.seen, 1), STAT_STEPS), n: 1 });
  return poolRows([rows]);
}

export function eventReport(rounds: readonly EventRoundResult[], allTimeRows: readonly (readonly AttemptRow[])[]): EventReport {
  const pictures = rounds.map((r) => {
    const perStep = Array.from({ length: STAT_STEPS }, () => 0);
    for (const p of r.players) if (p.solvedStep !== null) perStep[Math.min(Math.max(p.solvedStep, 1), STAT_STEPS) - 1]! += 1;
    let run = 0;
    return { index: r.index, deckId: r.deckId, itemId: r.itemId, players: r.players.length, perStep, cumulative: perStep.map((n) => (run += n)) };
  });
  return { pictures, event: curveFromAttempts(eventAttemptRows(rounds)), allTime: curveFromAttempts(poolRows(allTimeRows)) };
}
