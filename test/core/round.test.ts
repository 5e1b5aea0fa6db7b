import { describe, expect, it } from 'vitest';
import {
  FIRST_BONUS,
  GUESSES_PER_STEP,
  pointsForStep,
  recognitionTable,
  reduce,
  startRound,
  type RoundConfig,
  type RoundEvent,
  type RoundInput,
  type RoundState,
} from '../../src/core/game/round.ts';

const T0 = 1_000_000;
const config = (over: Partial<RoundConfig> = {}): RoundConfig => ({
  id: 'r1',
  channelId: 'terminal:c',
  scopeId: 'terminal:s',
  deckId: 'masterpieces',
  itemId: 'mona-lisa',
  mode: 'race',
  stepSeconds: 15,
  hostId: 'terminal:host',
  locale: 'en',
  ...over,
});

/** Drives the pure engine like the runtime does, collecting events. */
function run(state: RoundState, inputs: [number, RoundInput][]) {
  const events: RoundEvent[] = [];
  for (const [at, input] of inputs) {
    const tr = reduce(state, input, at);
    state = tr.state;
    events.push(...tr.events);
  }
  return { state, events };
}

const guess = (playerId: string, verdict: 'correct' | 'close' | 'wrong', text = 'x'): RoundInput => ({
  type: 'player.guess',
  playerId,
  name: playerId,
  text,
  verdict,
});
const tick: RoundInput = { type: 'timer.fired' };

describe('scoring', () => {
  it('is strictly greater for earlier steps: 6 at 2x2 down to 1 at 64x64', () => {
    const pts = [1, 2, 3, 4, 5, 6].map(pointsForStep);
    expect(pts).toEqual([6, 5, 4, 3, 2, 1]);
    expect(pointsForStep(7)).toBe(1);
  });
});

describe('race round', () => {
  it('reveals steps on timers and ends at the first correct guess', () => {
    const start = startRound(config(), T0);
    expect(start.events).toEqual([{ type: 'step.revealed', step: 1 }]);
    expect(start.effects).toEqual([{ type: 'timer.set', at: T0 + 15_000 }]);
    const { state, events } = run(start.state, [
      [T0 + 15_000, tick],
      [T0 + 20_000, guess('ann', 'wrong')],
      [T0 + 30_000, tick],
      [T0 + 31_000, guess('bob', 'close')],
      [T0 + 32_000, guess('ann', 'correct')],
      [T0 + 33_000, guess('bob', 'correct')],
    ]);
    expect(events.filter((e) => e.type === 'step.revealed').map((e) => (e as { step: number }).step)).toEqual([2, 3]);
    const judged = events.filter((e) => e.type === 'guess.judged');
    expect(judged.map((e) => [e.playerId, e.verdict, e.step, e.points, e.first])).toEqual([
      ['ann', 'wrong', 2, 0, false],
      ['bob', 'close', 3, 0, false],
      ['ann', 'correct', 3, 4, true],
    ]);
    expect(events).toContainEqual({ type: 'round.ended', reason: 'solved', firstSolverId: 'ann' });
    expect(events.at(-1)).toEqual({ type: 'guess.refused', playerId: 'bob', reason: 'ended' });
    expect(state.status).toBe('ended');
    expect(state.players.ann!.points).toBe(4);
    expect(state.players.bob!.points).toBe(0);
  });

  it('runs all six steps, a last window, then reveals when nobody knows it', () => {
    const start = startRound(config({ stepSeconds: 5 }), T0);
    const inputs: [number, RoundInput][] = [];
    for (let i = 1; i <= 7; i++) inputs.push([T0 + i * 5000, tick]);
    const { state, events } = run(start.state, inputs);
    expect(events.map((e) => e.type)).toEqual([
      'step.revealed',
      'step.revealed',
      'step.revealed',
      'step.revealed',
      'step.revealed',
      'window.final',
      'round.ended',
    ]);
    expect(state.endReason).toBe('timeout');
    expect(state.deadline).toBeNull();
  });

  it('scores a guess in the last window as the 64x64 step', () => {
    let s = startRound(config(), T0).state;
    for (let i = 0; i < 6; i++) s = reduce(s, tick, T0).state;
    expect(s.step).toBe(7);
    const tr = reduce(s, guess('ann', 'correct'), T0);
    expect(tr.events[0]).toMatchObject({ type: 'guess.judged', step: 6, points: 1 });
  });
});

describe('experiment round with three players', () => {
  it('keeps going after correct guesses, scores each by their own step, bonus for the first', () => {
    const start = startRound(config({ mode: 'experiment' }), T0);
    const { state, events } = run(start.state, [
      [T0 + 1, guess('ann', 'wrong')],
      [T0 + 15_000, tick], // step 2
      [T0 + 30_000, tick], // step 3
      [T0 + 45_000, tick], // step 4
      [T0 + 60_000, tick], // step 5
      [T0 + 61_000, guess('bob', 'correct')],
      [T0 + 62_000, guess('cat', 'close')],
      [T0 + 75_000, tick], // step 6
      [T0 + 76_000, guess('ann', 'correct')],
      [T0 + 77_000, guess('cat', 'correct')],
      [T0 + 78_000, guess('bob', 'correct')], // already solved
      [T0 + 90_000, tick], // last window
      [T0 + 105_000, tick], // end
    ]);
    expect(state.status).toBe('ended');
    expect(state.endReason).toBe('timeout');
    expect(state.firstSolverId).toBe('bob');
    expect(state.players.bob!.points).toBe(pointsForStep(5) + FIRST_BONUS);
    expect(state.players.ann!.points).toBe(pointsForStep(6));
    expect(state.players.cat!.points).toBe(pointsForStep(6));
    expect(events).toContainEqual({ type: 'guess.refused', playerId: 'bob', reason: 'solved' });
    const table = recognitionTable(state);
    expect(table).toEqual({ perStep: [0, 0, 0, 0, 1, 2], cumulative: [0, 0, 0, 0, 1, 3], players: 3 });
  });
});

describe('simultaneous correct guesses', () => {
  it('give exactly one winner', () => {
    const s = startRound(config(), T0).state;
    const a = reduce(s, guess('ann', 'correct'), T0 + 5);
    const b = reduce(a.state, guess('bob', 'correct'), T0 + 5);
    const firsts = [...a.events, ...b.events].filter((e) => e.type === 'guess.judged' && e.first);
    expect(firsts).toHaveLength(1);
    expect(b.state.firstSolverId).toBe('ann');
    expect(b.events).toEqual([{ type: 'guess.refused', playerId: 'bob', reason: 'ended' }]);
  });

  it('in experiment mode only one gets the first bonus', () => {
    const s = startRound(config({ mode: 'experiment' }), T0).state;
    const a = reduce(s, guess('ann', 'correct'), T0 + 5);
    const b = reduce(a.state, guess('bob', 'correct'), T0 + 5);
    expect(b.state.players.ann!.points).toBe(6 + FIRST_BONUS);
    expect(b.state.players.bob!.points).toBe(6);
  });
});

describe('guess limit', () => {
  it('allows 3 guesses per step and resets at the next step', () => {
    let s = startRound(config(), T0).state;
    const verdicts: string[] = [];
    for (let i = 0; i < GUESSES_PER_STEP + 2; i++) {
      const tr = reduce(s, guess('ann', 'wrong'), T0 + i);
      s = tr.state;
      verdicts.push(tr.events[0]!.type === 'guess.refused' ? 'refused' : 'judged');
    }
    expect(verdicts).toEqual(['judged', 'judged', 'judged', 'refused', 'refused']);
    s = reduce(s, tick, T0 + 15_000).state;
    const tr = reduce(s, guess('ann', 'correct'), T0 + 15_001);
    expect(tr.events[0]).toMatchObject({ type: 'guess.judged', verdict: 'correct', step: 2 });
  });

  it('counts per player', () => {
    let s = startRound(config(), T0).state;
    for (let i = 0; i < 3; i++) s = reduce(s, guess('ann', 'wrong'), T0).state;
    const tr = reduce(s, guess('bob', 'wrong'), T0);
    expect(tr.events[0]!.type).toBe('guess.judged');
  });
});

describe('skip and stop', () => {
  it('skip reveals the next step now and re-arms the timer', () => {
    const s = startRound(config(), T0).state;
    const tr = reduce(s, { type: 'host.skip' }, T0 + 2000);
    expect(tr.events).toEqual([{ type: 'step.revealed', step: 2 }]);
    expect(tr.effects).toEqual([{ type: 'timer.set', at: T0 + 2000 + 15_000 }]);
  });

  it('stop ends the round and clears the timer', () => {
    const s = startRound(config(), T0).state;
    const tr = reduce(s, { type: 'host.stop' }, T0 + 2000);
    expect(tr.events).toEqual([{ type: 'round.ended', reason: 'stopped', firstSolverId: null }]);
    expect(tr.effects).toEqual([{ type: 'timer.clear' }]);
    expect(tr.state.endedAt).toBe(T0 + 2000);
  });

  it('inputs after the end change nothing', () => {
    const s = reduce(startRound(config(), T0).state, { type: 'host.stop' }, T0).state;
    expect(reduce(s, tick, T0 + 1).state).toBe(s);
    expect(reduce(s, { type: 'host.skip' }, T0 + 1).events).toEqual([]);
  });
});
