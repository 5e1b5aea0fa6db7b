/** Leaderboards by period: pure boundaries, and real boards on both engines across a week and a month boundary. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatReset, periodRange } from '../../src/core/leaderboard/periods.ts';
import { plainText, type Reply } from '../../src/core/reply.ts';
import { loadConfig } from '../../src/config/config.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { caller, makeTestApp, type TestApp } from '../fakes/test-app.ts';

const at = (iso: string) => Date.parse(iso);

describe('period boundaries (pure)', () => {
  it('a week starts on Monday 00:00 UTC; Sunday night is still the old week', () => {
    const r = periodRange('week', at('2026-01-04T23:59:59Z'), 'UTC');
    expect(new Date(r.from!).toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(new Date(r.resetsAt!).toISOString()).toBe('2026-01-05T00:00:00.000Z');
    const monday = periodRange('week', at('2026-01-05T00:00:00Z'), 'UTC');
    expect(new Date(monday.from!).toISOString()).toBe('2026-01-05T00:00:00.000Z');
  });

  it('LEADERBOARD_TZ moves the boundary: Monday 00:00 in Shanghai is Sunday 16:00 UTC', () => {
    const r = periodRange('week', at('2026-01-04T16:30:00Z'), 'Asia/Shanghai');
    expect(new Date(r.from!).toISOString()).toBe('2026-01-04T16:00:00.000Z');
    expect(new Date(r.resetsAt!).toISOString()).toBe('2026-01-11T16:00:00.000Z');
  });

  it('a month runs from the 1st 00:00; New York is still in January when UTC is in February', () => {
    const utc = periodRange('month', at('2026-01-31T23:00:00Z'), 'UTC');
    expect([new Date(utc.from!).toISOString(), new Date(utc.resetsAt!).toISOString()]).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
    ]);
    const ny = periodRange('month', at('2026-02-01T03:00:00Z'), 'America/New_York');
    expect([new Date(ny.from!).toISOString(), new Date(ny.resetsAt!).toISOString()]).toEqual([
      '2026-01-01T05:00:00.000Z',
      '2026-02-01T05:00:00.000Z',
    ]);
    // Across a DST change (8 March 2026 in New York), a week is still Monday to Monday local time.
    const dst = periodRange('week', at('2026-03-10T12:00:00Z'), 'America/New_York');
    expect([new Date(dst.from!).toISOString(), new Date(dst.resetsAt!).toISOString()]).toEqual([
      '2026-03-09T04:00:00.000Z',
      '2026-03-16T04:00:00.000Z',
    ]);
  });

  it('all time never resets; reset times read in the board zone', () => {
    expect(periodRange('all', 0)).toMatchObject({ from: null, resetsAt: null });
    expect(formatReset(at('2026-01-05T00:00:00Z'), 'UTC', 'en')).toBe('Mon 5 Jan 2026, 00:00 (UTC)');
    expect(formatReset(at('2026-01-04T16:00:00Z'), 'Asia/Shanghai', 'zh')).toBe('2026年1月5日 周一 00:00（Asia/Shanghai）');
  });

  it('LEADERBOARD_TZ is checked at start', () => {
    expect(loadConfig({}).LEADERBOARD_TZ).toBe('UTC');
    expect(loadConfig({ LEADERBOARD_TZ: 'Europe/Paris' }).LEADERBOARD_TZ).toBe('Europe/Paris');
    expect(() => loadConfig({ LEADERBOARD_TZ: 'Mars/Olympus' })).toThrow(/IANA time zone[\s\S]*LEADERBOARD_TZ/);
  });
});

describe.each(engines)('period leaderboards on $name', (engine) => {
  let d: TestDatabase;
  let t: TestApp;
  let n = 0;
  const open = async (tz?: string) => {
    const db = engine.name === 'postgres' ? { databaseUrl: d.location } : { databasePath: d.location };
    t = await makeTestApp({ ...db, leaderboardTz: tz, clock: new FakeClock(at('2026-01-01T00:00:00Z')) });
  };
  const setNow = (iso: string) => t.clock.advance(at(iso) - t.clock.now());
  beforeEach(async () => {
    d = await engine.create();
  });
  afterEach(async () => {
    await t?.cleanup();
    await d.drop();
  });

  /** One race round won by `player` with `points`, at `iso`, in channel c1 (or c2) of server s1. */
  async function score(player: string, points: number, iso: string, channel = 'terminal:c1') {
    const id = `R${++n}`;
    const when = at(iso);
    const s = t.app.store;
    await s.createRound({
      id, platform: 'terminal', channelId: channel, scopeId: 'terminal:s1', deckId: 'masterpieces', itemId: 'mona-lisa',
      mode: 'race', stepSeconds: 15, hostId: 'terminal:host', locale: 'en', startedAt: when,
    });
    await s.recordGuess({
      roundId: id, playerId: `terminal:${player}`, playerName: player, channelId: channel, scopeId: 'terminal:s1',
      deckId: 'masterpieces', itemId: 'mona-lisa', mode: 'race', step: 7 - points, textNorm: 'mona lisa', verdict: 'correct',
      points, first: true, win: true, at: when,
    });
    await s.endRound(id, 'ended', 'solved', when);
  }

  const board = async (line: string): Promise<{ rows: string[]; reply: Reply }> => {
    const [reply] = await t.app.dispatcher.runText(caller('asker', { channelId: 'terminal:c1' }), line);
    return { rows: plainText(reply!.text).split('\n'), reply: reply! };
  };

  it('across a week boundary (UTC), with when each board resets', async () => {
    await open();
    await score('alice', 5, '2026-01-04T23:00:00Z'); // Sunday: last week
    await score('bob', 3, '2026-01-05T01:00:00Z'); // Monday: this week
    await score('bob', 2, '2026-01-06T10:00:00Z', 'terminal:c2');
    await setNow('2026-01-07T12:00:00Z');

    const week = await board('/leaderboard period:week');
    expect(plainText(week.reply.title!)).toBe('Leaderboard · this server · this week');
    expect(week.rows).toEqual(['1. bob: 5 pts · 2 wins · 2 solved']);
    expect(plainText(week.reply.footer!)).toBe('Resets Mon 12 Jan 2026, 00:00 (UTC). Points are kept; the board just starts a new period.');

    const channelWeek = await board('/leaderboard scope:channel period:week');
    expect(channelWeek.rows).toEqual(['1. bob: 3 pts · 1 win · 1 solved']);

    const month = await board('/leaderboard period:month');
    expect(month.rows).toEqual(['1. bob: 5 pts · 2 wins · 2 solved', '2. alice: 5 pts · 1 win · 1 solved']);
    expect(plainText(month.reply.footer!)).toContain('Resets Sun 1 Feb 2026, 00:00 (UTC)');

    const all = await board('/leaderboard');
    expect(all.rows).toEqual(['1. bob: 5 pts · 2 wins · 2 solved', '2. alice: 5 pts · 1 win · 1 solved']);
    expect(plainText(all.reply.footer!)).toContain('never resets');

    // Next Monday the week's board is empty again, though nothing was deleted.
    await setNow('2026-01-12T00:00:00Z');
    expect((await board('/leaderboard period:week')).rows).toEqual(['No scores yet. Start a round with `/play`!']);
    expect((await board('/leaderboard period:month')).rows).toHaveLength(2);
  });

  it('LEADERBOARD_TZ=Asia/Shanghai: Sunday 23:00 UTC is already Monday there', async () => {
    await open('Asia/Shanghai');
    await score('alice', 5, '2026-01-04T23:00:00Z');
    await score('bob', 3, '2026-01-04T15:00:00Z'); // Sunday 23:00 in Shanghai: last week there
    await setNow('2026-01-05T02:00:00Z');
    const week = await board('/leaderboard period:week');
    expect(week.rows).toEqual(['1. alice: 5 pts · 1 win · 1 solved']);
    expect(plainText(week.reply.footer!)).toContain('Resets Mon 12 Jan 2026, 00:00 (Asia/Shanghai)');
  });

  it('across a month boundary, in UTC and in New York', async () => {
    await open();
    await score('carol', 4, '2026-01-31T23:30:00Z');
    await score('dave', 2, '2026-02-01T00:30:00Z');
    await setNow('2026-02-01T12:00:00Z');
    const feb = await board('/leaderboard period:month');
    expect(feb.rows).toEqual(['1. dave: 2 pts · 1 win · 1 solved']);
    expect(plainText(feb.reply.footer!)).toContain('Resets Sun 1 Mar 2026, 00:00 (UTC)');
    await t.cleanup();

    await open('America/New_York');
    await setNow('2026-02-01T02:00:00Z'); // Saturday 31 January, 21:00 in New York
    const jan = await board('/leaderboard period:month');
    expect(jan.rows).toEqual(['1. carol: 4 pts · 1 win · 1 solved', '2. dave: 2 pts · 1 win · 1 solved']);
    expect(plainText(jan.reply.footer!)).toContain('Resets Sun 1 Feb 2026, 00:00 (America/New_York)');
  });
});
