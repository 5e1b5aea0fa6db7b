/**
 * The emergence figures, computed from a few rows the database returns (see src/stats/queries.ts).
 * Pure: no I/O, no clock.
 *
 * Definitions (also in the README's "Statistics" section):
 *
 * - An **attempt** is a player's *first encounter* with a picture (a deck item): the first round,
 *   among rounds that have ended (ended or interrupted, never one still running), in which the
 *   player made at least one guess on it. Later rounds of the same picture by the same player are
 *   not attempts: the article's experiment is about the moment one first sees a picture emerge; a
 *   second showing measures memory. We cannot see people who only watched, so "players" are guessers.
 * - The attempt **recognised it at step s** when the player's correct guess in that round was made at
 *   step s (1 = 2×2 … 6 = 64×64; the last window after 64×64 counts as step 6). The engine accepts at
 *   most one correct guess per player per round.
 * - An attempt is **seen through step c** where c is the last step its round showed (capped at 6).
 *   A round that ran its course shows all six steps. A race won by someone else, a host's stop or an
 *   interruption (crash, restart) ends the round early: such an unrecognised attempt is **cut short**
 *   (c < 6). Interrupted rounds count: their guesses are real and were committed one by one.
 * - The **curve** at step s is the share of attempts that had recognised the picture by step s. When no
 *   attempt was cut short it is simply (recognised at a step ≤ s) / (attempts). Cut-short attempts count
 *   for the steps they saw and not after (the Kaplan–Meier estimate on six discrete steps): at each
 *   step s, of the attempts still unrecognised and still watching (at risk), the share that recognised
 *   it at s is taken away from the "not yet" share. So a race won at 8×8 does not make everybody
 *   else look like they never recognised the picture.
 * - The **threshold** is the first step by which at least half of the attempts that ever recognised the
 *   picture had done so: the lower median of the recognition steps (for an even number of recognisers
 *   whose middle two steps differ, the earlier of the two; 4 recognisers at steps 3, 3, 4, 5 → 3).
 * - The **instability** is the mean distance, in steps, of the recognition steps from the threshold:
 *   0 means everybody who recognised it did so at the same step (a sharp emergence); 1 means people
 *   were on average one step away (one sees it, the next doesn't yet).
 * - A **median recognition step** (personal threshold) uses the same lower-median rule.
 */
import { STEP_COUNT } from '../game/steps.ts';

/** A group of attempts with the same outcome, as returned by the database. */
export interface AttemptRow {
  /** Step (1..6) of the correct guess in the first-encounter round; null if not recognised there. */
  recStep: number | null;
  /** The last step (1..6) the first-encounter round showed. */
  seen: number;
  /** How many attempts had this outcome. */
  n: number;
}

export interface Curve {
  /** Attempts: players who met the picture (first encounters in rounds that have ended). */
  attempts: number;
  /** Attempts that recognised it. */
  recognised: number;
  /** Attempts that did not recognise it and whose round ended before step 6. */
  cut: number;
  /** Attempts that recognised it at step s (index s-1). */
  perStep: number[];
  /** Attempts that had recognised it by step s (index s-1). */
  cumulative: number[];
  /** The curve: estimated share (0..1) that had recognised it by step s (index s-1). */
  share: number[];
  /** Lower median recognition step among recognisers (1..6), null when nobody recognised it. */
  threshold: number | null;
  /** Mean |step − threshold| over the recognisers, null when nobody recognised it. */
  instability: number | null;
}

function clampStep(s: number): number {
  return Math.min(Math.max(Math.trunc(s), 1), STEP_COUNT);
}

/** Builds a curve from attempt rows (rows with n ≤ 0 are ignored). */
export function curveFromAttempts(rows: readonly AttemptRow[]): Curve {
  const perStep = Array.from({ length: STEP_COUNT }, () => 0);
  // unrecognisedSeen[c-1]: unrecognised attempts whose round showed steps 1..c.
  const unrecognisedSeen = Array.from({ length: STEP_COUNT }, () => 0);
  let attempts = 0;
  for (const r of rows) {
    if (!(r.n > 0)) continue;
    attempts += r.n;
    if (r.recStep !== null && r.recStep !== undefined) perStep[clampStep(r.recStep) - 1]! += r.n;
    else unrecognisedSeen[clampStep(r.seen) - 1]! += r.n;
  }
  const recognised = perStep.reduce((a, b) => a + b, 0);
  const cut = unrecognisedSeen.slice(0, STEP_COUNT - 1).reduce((a, b) => a + b, 0);
  let run = 0;
  const cumulative = perStep.map((n) => (run += n));

  // Kaplan–Meier on six steps. At risk at step s: recognised at s or later, or unrecognised and seen through s or later.
  const share: number[] = [];
  let notYet = 1;
  for (let s = 1; s <= STEP_COUNT; s++) {
    let atRisk = 0;
    for (let k = s; k <= STEP_COUNT; k++) atRisk += perStep[k - 1]! + unrecognisedSeen[k - 1]!;
    if (atRisk > 0) notYet *= 1 - perStep[s - 1]! / atRisk;
    share.push(attempts > 0 ? 1 - notYet : 0);
  }

  const threshold = thresholdOf(perStep);
  let instability: number | null = null;
  if (threshold !== null) {
    let sum = 0;
    perStep.forEach((n, i) => (sum += n * Math.abs(i + 1 - threshold)));
    instability = sum / recognised;
  }
  return { attempts, recognised, cut, perStep, cumulative, share, threshold, instability };
}

/** The first step by which at least half of the recognisers had recognised it (lower median); null if none. */
export function thresholdOf(perStep: readonly number[]): number | null {
  const total = perStep.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  let run = 0;
  for (let i = 0; i < perStep.length; i++) {
    run += perStep[i]!;
    if (run * 2 >= total) return i + 1;
  }
  return perStep.length;
}

/** Counts of steps 1..6, from a list of steps. */
export function stepCounts(steps: readonly number[]): number[] {
  const out = Array.from({ length: STEP_COUNT }, () => 0);
  for (const s of steps) out[clampStep(s) - 1]! += 1;
  return out;
}

/** Lower median of recognition steps (same rule as the threshold); null for an empty list. */
export function medianStep(steps: readonly number[]): number | null {
  return thresholdOf(stepCounts(steps));
}

/** Sums curves' attempt rows: pooling pictures (knowledge groups) or servers (everywhere). */
export function poolRows(groups: readonly (readonly AttemptRow[])[]): AttemptRow[] {
  const key = (r: AttemptRow) => `${r.recStep ?? 0}:${r.seen}`;
  const m = new Map<string, AttemptRow>();
  for (const rows of groups) {
    for (const r of rows) {
      const k = key(r);
      const prev = m.get(k);
      if (prev) prev.n += r.n;
      else m.set(k, { recStep: r.recStep, seen: r.seen, n: r.n });
    }
  }
  return [...m.values()];
}

/** Rounds a share for display or JSON (4 decimals). */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** The most common wrong guesses at one step of a picture. */
export interface WrongGuess {
  step: number;
  /** Normalised guess text (the only form stored). */
  text: string;
  /** Distinct players who made this guess at this step. */
  players: number;
}

/** A player's personal threshold beside everyone's on the same pictures. */
export interface PersonalFigures {
  /** Pictures the player met (first encounters in rounds that have ended). */
  pictures: number;
  /** Of those, the pictures they recognised. */
  recognised: number;
  /** The player's median recognition step over the pictures they recognised. */
  median: number | null;
  /** Everyone's median recognition step (all first-encounter recognisers, the player included) on those same pictures. */
  everyone: number | null;
  /** On how many of the pictures they recognised the player was earlier than, at, or later than the picture's threshold. */
  earlier: number;
  same: number;
  later: number;
}

/** One of the player's recognitions, with that picture's recognition counts by step (everyone). */
export interface PersonalRecognition {
  step: number;
  everyonePerStep: readonly number[];
}

export function personalFigures(pictures: number, recognitions: readonly PersonalRecognition[]): PersonalFigures {
  const mine = recognitions.map((r) => r.step);
  const pooled = Array.from({ length: STEP_COUNT }, () => 0);
  let earlier = 0;
  let same = 0;
  let later = 0;
  for (const r of recognitions) {
    r.everyonePerStep.forEach((n, i) => (pooled[i]! += n));
    const th = thresholdOf(r.everyonePerStep);
    if (th === null) continue;
    if (r.step < th) earlier++;
    else if (r.step === th) same++;
    else later++;
  }
  return {
    pictures,
    recognised: recognitions.length,
    median: medianStep(mine),
    everyone: thresholdOf(pooled),
    earlier,
    same,
    later,
  };
}
