/**
 * Locale strings, in ICU MessageFormat (assets/locales/*.json): `{name}` placeholders,
 * `{n, plural, one {# point} other {# points}}` for counts, and `<cmd>play</cmd>` where a
 * message names a command, which is written the way the reader's platform spells it.
 */
import IntlMessageFormat from 'intl-messageformat';
import en from '../../assets/locales/en.json' with { type: 'json' };
import zh from '../../assets/locales/zh.json' with { type: 'json' };
import type { Platform } from '../core/commands/define.ts';
import type { Locale } from '../core/reply.ts';

/** Every message key, taken from the English file: a key that is not there fails the type check. */
export type MessageKey = keyof typeof en;
export type MessageParams = Record<string, string | number>;

/** Who reads a message: the language, and the platform whose command syntax it should use. A Caller is one. */
export interface Audience {
  locale: Locale;
  platform: Platform;
}

/**
 * The keys whose messages name a command (`<cmd>…</cmd>`): they need an Audience, since
 * Slack spells commands differently. A test keeps this list equal to the locale files.
 */
export const COMMAND_KEYS = [
  'round.body.howto',
  'decks.footer',
  'leaderboard.empty',
  'leaderboard.never-resets',
  'errors.daily-not-started',
  'errors.daily-empty-guess',
  'daily.howto',
  'daily.shared.footer',
  'daily.stats.hidden',
  'errors.no-round',
  'errors.unknown-command',
  'errors.unknown-option',
  'errors.too-many-arguments',
  'errors.missing-option',
  'errors.empty-guess',
  'discord.guild-only',
  'stats.picture.empty',
  'stats.deck.empty',
  'stats.me.empty',
  'stats.server.empty',
  'stats.knowledge.empty',
  'privacy.how',
  'privacy.confirm.how',
  'errors.privacy-no-request',
  'errors.privacy-expired',
  'errors.privacy-bad-code',
  'errors.stats-need-target',
  'errors.stats-unknown-picture',
  'terminal.welcome',
  'event.announce.howto',
  'errors.no-event',
  'errors.event-exists',
  'errors.event-running',
  'recap.explain.early',
  'recap.explain.threshold',
  'recap.explain.famous',
  'errors.attachment-not-text',
  'errors.deck-unknown',
  'errors.deck-empty',
  'deck.created',
  'deck.list-empty',
  'deck.exported',
  'deck.report-notice',
  'deck.report-channel-off',
  'notice.chat-guesses',
] as const satisfies readonly MessageKey[];
export type CommandKey = (typeof COMMAND_KEYS)[number];
/** Keys that name no command, so a language alone is enough to write them. */
export type PlainKey = Exclude<MessageKey, CommandKey>;

/** Slack's slash commands: one umbrella for the game, and the commands that have their own (see the manifest). */
export const SLACK_UMBRELLA = '/emergence';
export const SLACK_OWN_SLASH: readonly string[] = ['explain'];

const USER_MARKS = /[\uE000\uE001]/g;

/**
 * A command line as a player types it on their platform: `/guess mona lisa` on Discord and in
 * the terminal, `/emergence guess mona lisa` on Slack (or `/explain …`, which is its own command
 * there). `line` is the command's name and arguments, with or without the leading slash.
 */
export function commandText(platform: Platform, line: string): string {
  const text = line.trim().replace(/^\//, '');
  if (platform !== 'slack') return `/${text}`;
  const name = text.replace(USER_MARKS, '').split(/\s/, 1)[0] ?? '';
  return SLACK_OWN_SLASH.includes(name) ? `/${text}` : `${SLACK_UMBRELLA} ${text}`.trimEnd();
}

/**
 * Command mentions in free text that is not a locale string (the knowledge base's answers):
 * each `/name` is rewritten as commandText() writes it.
 */
export function commandMentions(platform: Platform, text: string): string {
  if (platform !== 'slack') return text;
  return text.replace(/(?<![\w/:.])\/([a-z][a-z-]*)\b/g, (_m, name: string) => commandText(platform, name));
}

const PLATFORMS: readonly Platform[] = ['discord', 'slack', 'terminal'];

/** The platform of a namespaced id (`slack:C1` → slack); ids without a known prefix read as Discord's. */
export function platformOf(id: string): Platform {
  const prefix = id.slice(0, id.indexOf(':'));
  return PLATFORMS.find((p) => p === prefix) ?? 'discord';
}

// Typing zh as a full table makes a key missing from zh.json a type error too.
const tables: Record<Locale, Record<MessageKey, string>> = { en, zh };

/** ICU element kinds we read (intl-messageformat's parser numbers them; see its TYPE enum). */
const ARGUMENT_KINDS = new Set([1, 2, 3, 4, 5, 6]);
const TAG_KIND = 8;

interface Compiled {
  format: IntlMessageFormat;
  args: string[];
}

const compiled = new Map<string, Compiled>();

function compile(locale: Locale, key: MessageKey): Compiled {
  const id = `${locale}\u0000${key}`;
  let c = compiled.get(id);
  if (!c) {
    const format = new IntlMessageFormat(tables[locale][key] ?? tables.en[key] ?? key, locale);
    c = { format, args: messageArguments(format.getAst()) };
    compiled.set(id, c);
  }
  return c;
}

interface AstNode {
  type: number;
  value?: unknown;
  options?: Record<string, { value: AstNode[] }>;
  children?: AstNode[];
}

/** Placeholder names a message uses, in order of first use (plural and select arguments included). */
function messageArguments(ast: readonly AstNode[], out = new Set<string>()): string[] {
  for (const el of ast) {
    if (ARGUMENT_KINDS.has(el.type) && typeof el.value === 'string') out.add(el.value);
    for (const o of Object.values(el.options ?? {})) messageArguments(o.value, out);
    if (el.children) messageArguments(el.children, out);
  }
  return [...out];
}

/** Tag names a message uses (`cmd`). */
function messageTags(ast: readonly AstNode[], out = new Set<string>()): string[] {
  for (const el of ast) {
    if (el.type === TAG_KIND && typeof el.value === 'string') out.add(el.value);
    for (const o of Object.values(el.options ?? {})) messageTags(o.value, out);
    if (el.children) messageTags(el.children, out);
  }
  return [...out];
}

/** What a message expects: its placeholders and its tags. For tests and tools. */
export function messageShape(locale: Locale, key: MessageKey): { args: string[]; tags: string[] } {
  const c = compile(locale, key);
  return { args: c.args, tags: messageTags(c.format.getAst()) };
}

export function messageKeys(): MessageKey[] {
  return Object.keys(tables.en) as MessageKey[];
}

/**
 * Formats a locale string for an audience; a message that names no command needs only the
 * language. A placeholder left without a value shows as `{name}` rather than failing the
 * reply: a wrong string is better than no answer.
 */
export function t(to: Audience, key: MessageKey, params?: MessageParams): string;
export function t(locale: Locale, key: PlainKey, params?: MessageParams): string;
export function t(to: Audience | Locale, key: MessageKey, params: MessageParams = {}): string {
  const { locale, platform } = typeof to === 'string' ? { locale: to, platform: 'terminal' as const } : to;
  const c = compile(locale, key);
  const values: Record<string, string | number | ((chunks: string[]) => string)> = {
    cmd: (chunks) => commandText(platform, chunks.join('')),
  };
  for (const name of c.args) values[name] = params[name] ?? `{${name}}`;
  return String(c.format.format<string>(values));
}

/** Picks a language from a platform locale tag (`zh-CN`, `zh-TW`, `en-US` …). */
export function localeFromTag(tag: string | undefined | null): Locale {
  return tag && /^zh\b/i.test(tag) ? 'zh' : 'en';
}

export function pick<T extends { en: string; zh: string }>(text: T, locale: Locale): string {
  return text[locale] || text.en;
}
