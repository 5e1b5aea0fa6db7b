/** The `start` option of `/event create`: `now`, an ISO 8601 time, or a delay such as `in 30m`, `in 2h`, `in 1h30m`. */
import { UserError } from '../errors.ts';
import { MAX_AHEAD_MS } from './event.ts';

const DELAY = /^(?:in\s*)?((?:\d+\s*[dhms]\s*)+)$/i;
const PART = /(\d+)\s*([dhms])/gi;
const UNIT: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };
/** An ISO date-time; without a zone it is read as UTC (the bot's clock has no local time zone). */
const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** The start time in ms since the epoch; throws a UserError for anything else, in the past, or too far ahead. */
export function parseStart(text: string | undefined, now: number): number {
  const s = (text ?? '').trim();
  if (!s || /^now$/i.test(s)) return now;
  let at: number;
  const delay = DELAY.exec(s);
  if (delay) {
    at = now;
    for (const m of delay[1]!.matchAll(PART)) at += Number(m[1]) * UNIT[m[2]!.toLowerCase()]!;
  } else {
    const iso = ISO.exec(s);
    if (!iso) throw new UserError('event-bad-start', { start: s.slice(0, 40) });
    at = Date.parse(iso[1] ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`);
    if (!Number.isFinite(at)) throw new UserError('event-bad-start', { start: s.slice(0, 40) });
  }
  // A minute of slack: "10:00" typed at 10:00:20 means now.
  if (at < now - 60_000) throw new UserError('event-start-past');
  if (at - now > MAX_AHEAD_MS) throw new UserError('event-start-far');
  return Math.max(at, now);
}
