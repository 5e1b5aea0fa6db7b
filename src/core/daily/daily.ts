/**
 * The daily challenge, pure: which day it is, which picture that day has, and a player's private play
 * (their pace, 3 guesses per step, the step at which they knew it). The clock and the database stay
 * outside: days and times are passed in.
 */
import { DateTime } from 'luxon';
import { GUESSES_PER_STEP } from '../game/round.ts';
import { STEP_COUNT, stepLabel } from '../game/steps.ts';
import type { Verdict } from '../game/judge.ts';
import { mulberry32 } from '../random.ts';

/** Day #1. The number in the share line counts from it. */
export const DAILY_EPOCH = '2026-01-01';
export const DEFAULT_DAILY_DECKS = ['masterpieces', 'everyday', 'landmarks'] as const;

/** `YYYY-MM-DD` of a time, in UTC: the daily changes at 00:00 UTC for everyone. */
export function utcDay(ms: number): string {
  return DateTime.fromMillis(ms, { zone: 'utc' }).toISODate()!;
}

/** A valid `YYYY-MM-DD` (a real date), or null. */
export function parseDay(s: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const d = DateTime.fromISO(s, { zone: 'utc' });
  return d.isValid && d.toISODate() === s ? s : null;
}

/** The day's number: 1 on DAILY_EPOCH; earlier days are ≤ 0 (still deterministic). */
export function dayNumber(day: string): number {
  const d = DateTime.fromISO(day, { zone: 'utc' });
  return Math.round(d.diff(DateTime.fromISO(DAILY_EPOCH, { zone: 'utc' }), 'days').days) + 1;
}

/** The day before, `YYYY-MM-DD`. */
export function previousDay(day: string): string {
  return DateTime.fromISO(day, { zone: 'utc' }).minus({ days: 1 }).toISODate()!;
}

export interface PoolItem {
  deckId: string;
  itemId: string;
}

/** The pool's order for one pass (cycle): a seeded Fisher-Yates shuffle of the sorted pool. */
function cycleOrder(pool: readonly PoolItem[], cycle: number): PoolItem[] {
  const items = [...pool].sort((a, b) => (a.deckId + '/' + a.itemId < b.deckId + '/' + b.itemId ? -1 : 1));
  const rnd = mulberry32(0x9e3779b1 ^ Math.imul(cycle + 1, 0x85ebca6b));
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * The picture of day `n`: the pool is walked in a seeded permutation, one picture a day, so no picture
 * comes back before every other one has been shown; each pass has a new order, and a pass never starts
 * with the picture the previous one ended on. Adding pictures to the pool reshuffles the days to come.
 */
export function dailyItem(pool: readonly PoolItem[], n: number): PoolItem {
  if (pool.length === 0) throw new Error('the daily pool is empty');
  const size = pool.length;
  const index = (((n - 1) % size) + size) % size;
  const cycle = Math.floor((n - 1) / size);
  const order = cycleOrder(pool, cycle);
  if (size > 1) {
    const before = cycleOrder(pool, cycle - 1)[size - 1]!;
    if (order[0]!.deckId === before.deckId && order[0]!.itemId === before.itemId) [order[0], order[1]] = [order[1]!, order[0]!];
  }
  return order[index]!;
}

export interface DailyGuess {
  step: number;
  /** Normalised text only, as every stored guess. */
  textNorm: string;
  verdict: Verdict;
  at: number;
}

/** A player's play of one day's picture. */
export interface DailyPlay {
  day: string;
  /** The step they are looking at, 1..6. */
  step: number;
  /** Guesses used at this step (3 allowed). */
  guessesAtStep: number;
  /** The step at which they knew it; null if not (yet). */
  knownStep: number | null;
  finished: boolean;
  guesses: DailyGuess[];
}

export type DailyRefusal = 'finished' | 'limit';

export type DailyEvent =
  | { kind: 'step'; step: number }
  | { kind: 'guessed'; verdict: Verdict; step: number; left: number }
  | { kind: 'refused'; reason: DailyRefusal }
  | { kind: 'finished'; knownStep: number | null };

export function startPlay(day: string): DailyPlay {
  return { day, step: 1, guessesAtStep: 0, knownStep: null, finished: false, guesses: [] };
}

/** A guess at the current step. Right: the play ends, known at this step. Three wrong at 64×64: it ends unknown. */
export function guessPlay(play: DailyPlay, textNorm: string, verdict: Verdict, at: number): { play: DailyPlay; events: DailyEvent[] } {
  if (play.finished) return { play, events: [{ kind: 'refused', reason: 'finished' }] };
  if (play.guessesAtStep >= GUESSES_PER_STEP) return { play, events: [{ kind: 'refused', reason: 'limit' }] };
  const guesses = [...play.guesses, { step: play.step, textNorm, verdict, at }];
  const used = play.guessesAtStep + 1;
  if (verdict === 'correct') {
    const next = { ...play, guesses, guessesAtStep: used, knownStep: play.step, finished: true };
    return { play: next, events: [{ kind: 'guessed', verdict, step: play.step, left: 0 }, { kind: 'finished', knownStep: play.step }] };
  }
  const left = GUESSES_PER_STEP - used;
  const lastChance = play.step === STEP_COUNT && left === 0;
  const next = { ...play, guesses, guessesAtStep: used, finished: lastChance };
  const events: DailyEvent[] = [{ kind: 'guessed', verdict, step: play.step, left }];
  if (lastChance) events.push({ kind: 'finished', knownStep: null });
  return { play: next, events };
}

/** The next step; past 64×64 the player gives up and the play ends unknown. */
export function nextStep(play: DailyPlay): { play: DailyPlay; events: DailyEvent[] } {
  if (play.finished) return { play, events: [{ kind: 'refused', reason: 'finished' }] };
  if (play.step >= STEP_COUNT) {
    return { play: { ...play, finished: true }, events: [{ kind: 'finished', knownStep: null }] };
  }
  const step = play.step + 1;
  return { play: { ...play, step, guessesAtStep: 0 }, events: [{ kind: 'step', step }] };
}

/**
 * The spoiler-free line a player may post: one square per step seen (green where they knew it),
 * the size they knew it at, or ✗. Made of the day's number and the play only, so it cannot name the picture.
 */
export function shareLine(number: number, play: DailyPlay): string {
  const seen = play.knownStep ?? play.step;
  const squares = Array.from({ length: seen }, (_, i) => (play.knownStep === i + 1 ? '🟩' : '⬛')).join('');
  const result = play.knownStep ? stepLabel(play.knownStep) : '✗';
  return `Emergence #${number} · ${squares} · ${result}`;
}

/** Consecutive days played to the end, ending with `today` (or yesterday, when today is not played yet). */
export function streak(finishedDays: ReadonlySet<string>, today: string): number {
  let day = finishedDays.has(today) ? today : previousDay(today);
  let n = 0;
  while (finishedDays.has(day)) {
    n++;
    day = previousDay(day);
  }
  return n;
}

/** Of the plays finished in a server today: how many knew it at each step, and how many did not. */
export interface DailyCurve {
  players: number;
  perStep: number[];
  /** Share of the players who knew it by each step (0..1). */
  cumulative: number[];
  unknown: number;
}

export function dailyCurve(knownSteps: readonly (number | null)[]): DailyCurve {
  const perStep = Array.from({ length: STEP_COUNT }, () => 0);
  let unknown = 0;
  for (const s of knownSteps) {
    if (s && s >= 1 && s <= STEP_COUNT) perStep[s - 1]!++;
    else unknown++;
  }
  const players = knownSteps.length;
  let sum = 0;
  const cumulative = perStep.map((c) => {
    sum += c;
    return players ? sum / players : 0;
  });
  return { players, perStep, cumulative, unknown };
}
