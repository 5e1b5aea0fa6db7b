/**
 * The round engine: a pure function of (state, input, now).
 * It returns the next state, the events that happened and the timer effects the
 * runtime must schedule. It never reads a clock, never judges text and never does I/O:
 * the runtime judges guesses (see judge.ts) and passes the verdict in.
 */
import type { Verdict } from './judge.ts';
import { FINAL_WINDOW, STEP_COUNT } from './steps.ts';

// Defined in steps.ts; re-exported because the engine is where most callers look for them.
export { FINAL_WINDOW, STEP_COUNT };

export type Mode = 'race' | 'experiment';
export type EndReason = 'solved' | 'timeout' | 'stopped' | 'interrupted';

export const GUESSES_PER_STEP = 3;
export const FIRST_BONUS = 2;
export const MIN_STEP_SECONDS = 5;
export const MAX_STEP_SECONDS = 120;
export const DEFAULT_STEP_SECONDS = 15;

/** Points for a correct guess at a step: strictly more for earlier steps, 6 at 2x2 down to 1 at 64x64. */
export function pointsForStep(step: number): number {
  const s = Math.min(Math.max(step, 1), STEP_COUNT);
  return STEP_COUNT + 1 - s;
}

export interface RoundConfig {
  id: string;
  channelId: string;
  /** Server or workspace, namespaced (`discord:123`, `slack:T1`, `terminal:local`). */
  scopeId: string;
  deckId: string;
  itemId: string;
  mode: Mode;
  stepSeconds: number;
  hostId: string;
  locale: 'en' | 'zh';
}

export interface PlayerState {
  id: string;
  name: string;
  /** The step that `guesses` counts for. */
  countStep: number;
  guesses: number;
  solvedStep?: number;
  points: number;
}

export interface RoundState {
  config: RoundConfig;
  status: 'running' | 'ended';
  /** 1..6 = picture steps, 7 = the last window after the 64x64 step. */
  step: number;
  startedAt: number;
  /** When the pending timer fires; null once ended. */
  deadline: number | null;
  players: Record<string, PlayerState>;
  /** The first correct guesser (the race winner, or the experiment's first-bonus holder). */
  firstSolverId: string | null;
  endReason: EndReason | null;
  endedAt: number | null;
}

export type RoundInput =
  | { type: 'timer.fired' }
  | { type: 'player.guess'; playerId: string; name: string; text: string; verdict: Verdict }
  | { type: 'host.skip' }
  | { type: 'host.stop' }
  | { type: 'round.interrupt' };

export type RefusalReason = 'limit' | 'solved' | 'ended';

export type RoundEvent =
  | { type: 'step.revealed'; step: number }
  | { type: 'window.final' }
  | {
      type: 'guess.judged';
      playerId: string;
      name: string;
      text: string;
      /** The picture step the guess was made at (1..6; the last window counts as 6). */
      step: number;
      verdict: Verdict;
      points: number;
      first: boolean;
    }
  | { type: 'guess.refused'; playerId: string; reason: RefusalReason }
  | { type: 'round.ended'; reason: EndReason; firstSolverId: string | null };

export type Effect = { type: 'timer.set'; at: number } | { type: 'timer.clear' };

export interface Transition {
  state: RoundState;
  events: RoundEvent[];
  effects: Effect[];
}

export function clampStepSeconds(s: number | undefined): number {
  if (s === undefined || !Number.isFinite(s)) return DEFAULT_STEP_SECONDS;
  return Math.min(MAX_STEP_SECONDS, Math.max(MIN_STEP_SECONDS, Math.round(s)));
}

export function startRound(config: RoundConfig, now: number): Transition {
  // Hosts are held to 5-120 s by clampStepSeconds; operators may configure shorter steps.
  const stepMs = Math.min(MAX_STEP_SECONDS, Math.max(1, config.stepSeconds)) * 1000;
  const state: RoundState = {
    config: { ...config, stepSeconds: stepMs / 1000 },
    status: 'running',
    step: 1,
    startedAt: now,
    deadline: now + stepMs,
    players: {},
    firstSolverId: null,
    endReason: null,
    endedAt: null,
  };
  return { state, events: [{ type: 'step.revealed', step: 1 }], effects: [{ type: 'timer.set', at: now + stepMs }] };
}

/** The step a guess counts for: the last window counts as the 64x64 step. */
export function scoringStep(step: number): number {
  return Math.min(step, STEP_COUNT);
}

export function reduce(state: RoundState, input: RoundInput, now: number): Transition {
  if (state.status === 'ended') {
    const events: RoundEvent[] =
      input.type === 'player.guess' ? [{ type: 'guess.refused', playerId: input.playerId, reason: 'ended' }] : [];
    return { state, events, effects: [] };
  }
  switch (input.type) {
    case 'timer.fired':
    case 'host.skip':
      return advance(state, now);
    case 'host.stop':
      return end(state, 'stopped', now);
    case 'round.interrupt':
      return end(state, 'interrupted', now);
    case 'player.guess':
      return guess(state, input, now);
  }
}

function advance(state: RoundState, now: number): Transition {
  if (state.step >= FINAL_WINDOW) return end(state, 'timeout', now);
  const step = state.step + 1;
  const at = now + state.config.stepSeconds * 1000;
  const next: RoundState = { ...state, step, deadline: at };
  const events: RoundEvent[] = [step === FINAL_WINDOW ? { type: 'window.final' } : { type: 'step.revealed', step }];
  return { state: next, events, effects: [{ type: 'timer.set', at }] };
}

function end(state: RoundState, reason: EndReason, now: number): Transition {
  const next: RoundState = { ...state, status: 'ended', deadline: null, endReason: reason, endedAt: now };
  return {
    state: next,
    events: [{ type: 'round.ended', reason, firstSolverId: state.firstSolverId }],
    effects: [{ type: 'timer.clear' }],
  };
}

function guess(state: RoundState, input: Extract<RoundInput, { type: 'player.guess' }>, now: number): Transition {
  const step = scoringStep(state.step);
  const prev = state.players[input.playerId];
  if (prev?.solvedStep !== undefined) {
    return { state, events: [{ type: 'guess.refused', playerId: input.playerId, reason: 'solved' }], effects: [] };
  }
  const used = prev && prev.countStep === state.step ? prev.guesses : 0;
  if (used >= GUESSES_PER_STEP) {
    return { state, events: [{ type: 'guess.refused', playerId: input.playerId, reason: 'limit' }], effects: [] };
  }
  const correct = input.verdict === 'correct';
  const first = correct && state.firstSolverId === null;
  let points = 0;
  if (correct) {
    points = pointsForStep(step);
    if (first && state.config.mode === 'experiment') points += FIRST_BONUS;
  }
  const player: PlayerState = {
    id: input.playerId,
    name: input.name,
    countStep: state.step,
    guesses: used + 1,
    solvedStep: correct ? step : undefined,
    points: (prev?.points ?? 0) + points,
  };
  const next: RoundState = {
    ...state,
    players: { ...state.players, [input.playerId]: player },
    firstSolverId: first ? input.playerId : state.firstSolverId,
  };
  const judged: RoundEvent = {
    type: 'guess.judged',
    playerId: input.playerId,
    name: input.name,
    text: input.text,
    step,
    verdict: input.verdict,
    points,
    first,
  };
  if (first && state.config.mode === 'race') {
    const ended = end(next, 'solved', now);
    return { state: ended.state, events: [judged, ...ended.events], effects: ended.effects };
  }
  return { state: next, events: [judged], effects: [] };
}

/** How many players recognised the picture at each step (index 0 = step 1), and how many played. */
export function recognitionTable(state: RoundState): { perStep: number[]; cumulative: number[]; players: number } {
  const perStep = Array.from({ length: STEP_COUNT }, () => 0);
  const players = Object.values(state.players);
  for (const p of players) if (p.solvedStep !== undefined) perStep[p.solvedStep - 1]! += 1;
  let run = 0;
  const cumulative = perStep.map((n) => (run += n));
  return { perStep, cumulative, players: players.length };
}
