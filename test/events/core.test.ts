import { describe, expect, it } from 'vitest';
import { drawItems } from '../../src/core/events/draw.ts';
import { createEvent, reduceEvent, type EventConfig } from '../../src/core/events/event.ts';
import { ranks, smallestTeam, standingsOf } from '../../src/core/events/standings.ts';
import { parseStart } from '../../src/core/events/start-time.ts';
import { isUserError } from '../../src/core/errors.ts';
import { renderText, timeMark, userText, utcText } from '../../src/core/reply.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isUserError(e) ? e.code : 'other';
  }
  return undefined;
}

describe('event rules (pure)', () => {
  it('reads start times: now, delays, ISO with and without a zone; refuses the past and the far future', () => {
    expect(parseStart(undefined, NOW)).toBe(NOW);
    expect(parseStart('now', NOW)).toBe(NOW);
    expect(parseStart('in 30m', NOW)).toBe(NOW + 30 * 60_000);
    expect(parseStart('in 1h30m', NOW)).toBe(NOW + 90 * 60_000);
    expect(parseStart('2h', NOW)).toBe(NOW + 2 * 3_600_000);
    expect(parseStart('2026-01-01T18:00Z', NOW)).toBe(Date.UTC(2026, 0, 1, 18));
    expect(parseStart('2026-01-01 18:00', NOW)).toBe(Date.UTC(2026, 0, 1, 18));
    expect(parseStart('2026-01-01T22:00+08:00', NOW)).toBe(Date.UTC(2026, 0, 1, 14));
    expect(code(() => parseStart('soon', NOW))).toBe('event-bad-start');
    expect(code(() => parseStart('2026-01-01T11:00Z', NOW))).toBe('event-start-past');
    expect(code(() => parseStart('in 40d', NOW))).toBe('event-start-far');
  });

  it('draws pictures without repeats, the same for the same seed', () => {
    const pool = ['a', 'b', 'c', 'd', 'e', 'f'];
    const one = drawItems(pool, 6, 'seed-1');
    expect(new Set(one).size).toBe(6);
    expect(drawItems(pool, 6, 'seed-1')).toEqual(one);
    expect(drawItems(pool, 6, 'seed-2')).not.toEqual(one);
    expect(drawItems(pool, 9, 'x')).toHaveLength(6);
  });

  it('moves scheduled → running → break → running → finished, once per input', () => {
    const config: EventConfig = {
      id: 'e', channelId: 'terminal:c', scopeId: 's', hostId: 'h', name: 'n', deckId: 'd', mode: 'race', rounds: 2,
      stepSeconds: 15, teams: 0, items: ['x', 'y'], startAt: NOW + 60_000, breakSeconds: 10, locale: 'en',
    };
    const c = createEvent(config, NOW);
    expect(c.state).toMatchObject({ status: 'scheduled', dueAt: NOW + 60_000, seq: 0 });
    expect(c.effects).toEqual([{ type: 'timer.set', at: NOW + 60_000 }]);
    const s1 = reduceEvent(c.state, { type: 'timer.fired' }, NOW + 60_000);
    expect(s1.state).toMatchObject({ status: 'running', roundIndex: 0, seq: 1 });
    expect(s1.effects).toContainEqual({ type: 'round.start', index: 0, itemId: 'x' });
    // A second firing of the same timer, or the end of another round, changes nothing.
    expect(reduceEvent(s1.state, { type: 'timer.fired' }, NOW + 60_000).state).toBe(s1.state);
    expect(reduceEvent(s1.state, { type: 'round.ended', index: 1 }, NOW).state).toBe(s1.state);
    const b = reduceEvent(s1.state, { type: 'round.ended', index: 0 }, NOW + 100_000);
    expect(b.state).toMatchObject({ status: 'break', roundIndex: 1, dueAt: NOW + 110_000 });
    const s2 = reduceEvent(b.state, { type: 'timer.fired' }, NOW + 110_000);
    expect(s2.effects).toContainEqual({ type: 'round.start', index: 1, itemId: 'y' });
    const f = reduceEvent(s2.state, { type: 'round.ended', index: 1 }, NOW + 200_000);
    expect(f.state).toMatchObject({ status: 'finished', endedAt: NOW + 200_000 });
    expect(f.events).toEqual([{ type: 'event.finished' }]);
    // Cancelling a running event stops its round.
    expect(reduceEvent(s2.state, { type: 'host.cancel' }, NOW).effects).toContainEqual({ type: 'round.stop' });
    expect(reduceEvent(f.state, { type: 'host.cancel' }, NOW).state).toBe(f.state);
  });

  it('adds team points, ranks ties together, fills the smallest team', () => {
    const s = standingsOf(
      [
        { playerId: 'a', name: 'a', points: 8, solved: 1, team: 1 },
        { playerId: 'b', name: 'b', points: 5, solved: 1, team: 2 },
        { playerId: 'c', name: 'c', points: 4, solved: 1, team: 2 },
        { playerId: 'd', name: 'd', points: 3, solved: 1, team: null },
      ],
      2,
    );
    expect(s.teams).toEqual([
      { team: 2, points: 9, members: 2 },
      { team: 1, points: 8, members: 1 },
    ]);
    expect(ranks([10, 8, 8, 5])).toEqual([1, 2, 2, 4]);
    expect(smallestTeam(new Map([[1, 2], [2, 1], [3, 1]]), 3)).toBe(2);
  });

  it('time marks render per platform, and user text cannot forge one', () => {
    const mark = timeMark(Date.UTC(2026, 4, 1, 18, 5, 30));
    expect(renderText(`at ${mark}`, { user: (s) => s })).toBe('at 2026-05-01 18:05 UTC');
    expect(renderText(`at ${mark}`, { user: (s) => s, time: (sec) => `<t:${sec}:R>` })).toBe(`at <t:${Date.UTC(2026, 4, 1, 18, 5, 30) / 1000}:R>`);
    expect(utcText(Date.UTC(2024, 1, 29, 23, 59) / 1000)).toBe('2024-02-29 23:59 UTC');
    const forged = userText(`\uE0021\uE003`);
    expect(renderText(forged, { user: (s) => `[${s}]`, time: () => 'TIME' })).toBe('[1]');
  });
});
