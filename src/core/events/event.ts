/**
 * Hosted events: a series of rounds in one channel, with a start time, breaks and a podium.
 * Pure, like the round engine: a function of (state, input, now) that returns the next state, what
 * happened and the effects the runtime must carry out (start a round, set or clear the event's timer).
 *
 *   scheduled ──start/timer──▶ running(round i) ──round.ended──▶ break ──timer──▶ running(round i+1) … ──▶ finished
 *        └────────────── cancel (any open state) ──────────────▶ cancelled
 *
 * `seq` grows at every transition: the database writes an event with compare-and-set on it, so a timer
 * that fires twice (a local timer and the durable backstop) moves the event once.
 */
import type { Mode } from '../game/round.ts';

export type EventStatus = 'scheduled' | 'running' | 'break' | 'finished' | 'cancelled';

export const MIN_ROUNDS = 1;
export const MAX_ROUNDS = 20;
export const DEFAULT_ROUNDS = 5;
export const MAX_TEAMS = 4;
export const DEFAULT_BREAK_SECONDS = 10;
/** A round that could not start (another round still running in the channel) is tried again after this. */
export const BLOCKED_RETRY_MS = 15_000;
/** `start: now` begins this much later, so the announcement is read (and Join pressed) before step 1. */
export const START_NOW_DELAY_MS = 5_000;
/** Reminders go out this long before the start. */
export const REMINDER_MS = 10 * 60_000;
/** How far ahead an event may be scheduled. */
export const MAX_AHEAD_MS = 30 * 24 * 3_600_000;

export interface EventConfig {
  id: string;
  channelId: string;
  scopeId: string;
  hostId: string;
  name: string;
  deckId: string;
  mode: Mode;
  rounds: number;
  stepSeconds: number;
  /** 0 (no teams) or 2..4. */
  teams: number;
  /** The pictures, one per round, drawn when the event is created. */
  items: string[];
  startAt: number;
  breakSeconds: number;
  locale: 'en' | 'zh';
}

export interface EventState {
  config: EventConfig;
  status: EventStatus;
  /** The round running (status running) or the next to run (scheduled, break); 0-based. */
  roundIndex: number;
  /** When the event's timer fires (start, end of a break); null when none is pending. */
  dueAt: number | null;
  seq: number;
  endedAt: number | null;
}

export type EventInput =
  | { type: 'timer.fired' }
  | { type: 'host.start' }
  | { type: 'host.cancel' }
  /** The game service ended the event's round `index` (any reason). */
  | { type: 'round.ended'; index: number }
  /** The round could not start (a round of /play still runs in the channel): wait and try again. */
  | { type: 'round.blocked'; index: number };

export type EventEvent =
  | { type: 'event.started' }
  | { type: 'round.starting'; index: number; itemId: string }
  | { type: 'break.started'; after: number; until: number }
  | { type: 'round.waiting'; index: number }
  | { type: 'event.finished' }
  | { type: 'event.cancelled'; wasRunning: boolean };

export type EventEffect =
  | { type: 'round.start'; index: number; itemId: string }
  | { type: 'round.stop' }
  | { type: 'timer.set'; at: number }
  | { type: 'timer.clear' };

export interface EventTransition {
  state: EventState;
  events: EventEvent[];
  effects: EventEffect[];
}

export function isOpen(status: EventStatus): boolean {
  return status === 'scheduled' || status === 'running' || status === 'break';
}

export function createEvent(config: EventConfig, now: number): EventTransition {
  const startAt = Math.max(config.startAt, now);
  const state: EventState = { config: { ...config, startAt }, status: 'scheduled', roundIndex: 0, dueAt: startAt, seq: 0, endedAt: null };
  if (startAt <= now) return begin(state);
  return { state, events: [], effects: [{ type: 'timer.set', at: startAt }] };
}

export function reduceEvent(state: EventState, input: EventInput, now: number): EventTransition {
  const none: EventTransition = { state, events: [], effects: [] };
  if (!isOpen(state.status)) return none;
  switch (input.type) {
    case 'host.start':
      return state.status === 'scheduled' ? begin(state) : none;
    case 'timer.fired':
      if (state.status === 'scheduled') return begin(state);
      if (state.status === 'break') return runRound(state, state.roundIndex);
      return none;
    case 'round.ended': {
      if (state.status !== 'running' || input.index !== state.roundIndex) return none;
      const next = input.index + 1;
      if (next >= state.config.rounds) {
        return {
          state: { ...state, status: 'finished', roundIndex: next, dueAt: null, seq: state.seq + 1, endedAt: now },
          events: [{ type: 'event.finished' }],
          effects: [{ type: 'timer.clear' }],
        };
      }
      const until = now + state.config.breakSeconds * 1000;
      return {
        state: { ...state, status: 'break', roundIndex: next, dueAt: until, seq: state.seq + 1 },
        events: [{ type: 'break.started', after: input.index, until }],
        effects: [{ type: 'timer.set', at: until }],
      };
    }
    case 'round.blocked': {
      if (state.status !== 'running' || input.index !== state.roundIndex) return none;
      const at = now + BLOCKED_RETRY_MS;
      return {
        state: { ...state, status: 'break', dueAt: at, seq: state.seq + 1 },
        events: [{ type: 'round.waiting', index: input.index }],
        effects: [{ type: 'timer.set', at }],
      };
    }
    case 'host.cancel': {
      const wasRunning = state.status === 'running';
      return {
        state: { ...state, status: 'cancelled', dueAt: null, seq: state.seq + 1, endedAt: now },
        events: [{ type: 'event.cancelled', wasRunning }],
        effects: [{ type: 'timer.clear' }, ...(wasRunning ? [{ type: 'round.stop' } as const] : [])],
      };
    }
  }
}

function begin(state: EventState): EventTransition {
  const tr = runRound(state, 0);
  return { ...tr, events: [{ type: 'event.started' }, ...tr.events] };
}

function runRound(state: EventState, index: number): EventTransition {
  const itemId = state.config.items[index]!;
  return {
    state: { ...state, status: 'running', roundIndex: index, dueAt: null, seq: state.seq + 1 },
    events: [{ type: 'round.starting', index, itemId }],
    effects: [{ type: 'timer.clear' }, { type: 'round.start', index, itemId }],
  };
}

/** An estimate of how long the event runs: every step of every round, and the breaks. */
export function estimatedDurationMs(c: Pick<EventConfig, 'rounds' | 'stepSeconds' | 'breakSeconds'>): number {
  // Six steps and the last window per round; races often end earlier, so this is an upper bound.
  return c.rounds * 7 * c.stepSeconds * 1000 + Math.max(0, c.rounds - 1) * c.breakSeconds * 1000;
}
