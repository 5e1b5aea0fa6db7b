/**
 * Leaderboard periods (seasons). Points keep the time they were scored, so a period is only a time
 * range over them: nothing is ever reset. Weeks start on Monday at 00:00 and months on the 1st, in
 * the board's time zone (LEADERBOARD_TZ, UTC by default). Pure: `now` is passed in.
 */
import { DateTime, IANAZone } from 'luxon';
import type { Locale } from '../reply.ts';

export type Period = 'week' | 'month' | 'all';
export const PERIODS: readonly Period[] = ['week', 'month', 'all'];

export interface PeriodRange {
  period: Period;
  /** Inclusive start (ms), null for all time. */
  from: number | null;
  /** Exclusive end, which is when the board resets (ms); null for all time. */
  resetsAt: number | null;
  zone: string;
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

export function periodRange(period: Period, now: number, zone = 'UTC'): PeriodRange {
  if (period === 'all') return { period, from: null, resetsAt: null, zone };
  // Luxon's weeks are ISO weeks: they start on Monday.
  const start = DateTime.fromMillis(now, { zone }).startOf(period);
  const end = start.plus(period === 'week' ? { weeks: 1 } : { months: 1 });
  return { period, from: start.toMillis(), resetsAt: end.toMillis(), zone };
}

/** When a board resets, in its own zone: `Mon 7 Dec 2026, 00:00 (UTC)` / `2026年12月7日 周一 00:00（UTC）`. */
export function formatReset(ms: number, zone: string, locale: Locale): string {
  const d = DateTime.fromMillis(ms, { zone }).setLocale(locale === 'zh' ? 'zh-CN' : 'en-GB');
  return locale === 'zh' ? `${d.toFormat('yyyy年M月d日 ccc HH:mm')}（${zone}）` : `${d.toFormat('ccc d LLL yyyy, HH:mm')} (${zone})`;
}
