/**
 * The neutral reply model. Commands and views produce these; each adapter renders
 * them natively (Discord embeds/components, Slack Block Kit, plain text in a terminal).
 *
 * Text is a tiny markup: `**bold**` is the only formatting the bot itself uses.
 * Anything a user typed must be wrapped with `userText()`, so that each adapter can
 * neutralise it for its own platform (mentions, markdown, Slack's `<...>` syntax).
 */
import { truncate } from './text/truncate.ts';

export type Locale = 'en' | 'zh';

export interface ReplyImage {
  /** Neutral file name, e.g. `step-3.png`. Never reveals an answer. */
  name: string;
  data: Uint8Array;
  /** Alt text / description; never reveals an answer while a round runs. */
  alt?: string;
}

export interface ReplyButton {
  /** Action id understood by the inbound side of every adapter, e.g. `guess:<roundId>`. */
  id: string;
  label: string;
  style?: 'primary' | 'secondary' | 'danger';
}

export interface ReplyField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface Reply {
  title?: string;
  /** Main text, also the plain-text fallback. */
  text: string;
  fields?: ReplyField[];
  images?: ReplyImage[];
  buttons?: ReplyButton[];
  footer?: string;
  /** Only the user who triggered it sees it. */
  ephemeral?: boolean;
  /**
   * Answering a button on a private message: this reply takes that message's place (Discord edits it,
   * Slack replaces it through the response URL) instead of adding a new one. Elsewhere it is a new message.
   */
  replace?: boolean;
}

const USER_OPEN = '\uE000';
const USER_CLOSE = '\uE001';
const USER_SPAN = /\uE000([^\uE000\uE001]*)\uE001/g;

/** Strips control, zero-width and bidi characters, and our own span markers, and caps length. */
export function sanitizeUserText(s: string, max = 200): string {
  const cleaned = s
    .normalize('NFKC')
    // C0/C1 controls, zero-width, bidi overrides/isolates, BOM, private-use markers we reserve
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\uE000-\uE003]/g, '')
    .trim();
  // Up to `max` characters of the text itself, then the ellipsis.
  return truncate(cleaned, max + 1);
}

/** Marks user-provided text inside a reply string. */
export function userText(s: string, max = 200): string {
  return USER_OPEN + sanitizeUserText(s, max) + USER_CLOSE;
}

const TIME_MARK = /\uE002(\d{1,15})\uE003/g;

/**
 * A point in time inside reply text, which each platform shows its own way: Discord as `<t:…:R>`
 * (in the reader's time zone), Slack as `<!date^…>`, elsewhere as a UTC time. `ms` since the epoch.
 */
export function timeMark(ms: number): string {
  return `\uE002${Math.floor(ms / 1000)}\uE003`;
}

/** A time mark's fallback: `2026-01-01 10:00 UTC`. */
export function utcText(seconds: number): string {
  // Days to a civil date (H. Hinnant's algorithm): core reads no clock, and builds no Date.
  const days = Math.floor(seconds / 86_400);
  const mins = Math.floor((seconds - days * 86_400) / 60);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${y}-${p2(m)}-${p2(d)} ${p2(Math.floor(mins / 60))}:${p2(mins % 60)} UTC`;
}

/**
 * Renders reply text for a platform: `user` escapes user spans, `plain` escapes
 * the bot's own text (for example Slack's `&`, `<`, `>`), `bold` maps `**x**`,
 * `time` writes a time mark (seconds since the epoch).
 */
export function renderText(
  text: string,
  how: { user: (s: string) => string; plain?: (s: string) => string; bold?: (s: string) => string; time?: (seconds: number) => string },
): string {
  const escape = how.plain ?? ((s: string) => s);
  const time = how.time ?? utcText;
  // Time marks are the bot's own (user text cannot carry them: sanitizeUserText strips them).
  const plain = (s: string) => {
    let out = '';
    let last = 0;
    for (const m of s.matchAll(TIME_MARK)) {
      out += escape(s.slice(last, m.index)) + time(Number(m[1]));
      last = (m.index ?? 0) + m[0].length;
    }
    return out + escape(s.slice(last));
  };
  const bold = how.bold ?? ((s: string) => `**${s}**`);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(USER_SPAN)) {
    out += renderOwn(text.slice(last, m.index), plain, bold);
    out += how.user(m[1] ?? '');
    last = (m.index ?? 0) + m[0].length;
  }
  out += renderOwn(text.slice(last), plain, bold);
  return out;
}

function renderOwn(s: string, plain: (s: string) => string, bold: (s: string) => string): string {
  return s
    .split(/(\*\*[^*]+\*\*)/g)
    .map((part) => (part.startsWith('**') && part.endsWith('**') && part.length > 4 ? bold(plain(part.slice(2, -2))) : plain(part)))
    .join('');
}

/** Plain text with user spans unwrapped and bold markers removed (terminal, fallbacks). */
export function plainText(text: string): string {
  return renderText(text, { user: (s) => s, bold: (s) => s });
}
