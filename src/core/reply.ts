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
}

const USER_OPEN = '\uE000';
const USER_CLOSE = '\uE001';
const USER_SPAN = /\uE000([^\uE000\uE001]*)\uE001/g;

/** Strips control, zero-width and bidi characters, and our own span markers, and caps length. */
export function sanitizeUserText(s: string, max = 200): string {
  const cleaned = s
    .normalize('NFKC')
    // C0/C1 controls, zero-width, bidi overrides/isolates, BOM, private-use markers we reserve
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\uE000\uE001]/g, '')
    .trim();
  // Up to `max` characters of the text itself, then the ellipsis.
  return truncate(cleaned, max + 1);
}

/** Marks user-provided text inside a reply string. */
export function userText(s: string, max = 200): string {
  return USER_OPEN + sanitizeUserText(s, max) + USER_CLOSE;
}

/**
 * Renders reply text for a platform: `user` escapes user spans, `plain` escapes
 * the bot's own text (for example Slack's `&`, `<`, `>`), `bold` maps `**x**`.
 */
export function renderText(
  text: string,
  how: { user: (s: string) => string; plain?: (s: string) => string; bold?: (s: string) => string },
): string {
  const plain = how.plain ?? ((s: string) => s);
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
