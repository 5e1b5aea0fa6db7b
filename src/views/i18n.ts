/**
 * Locale strings, in ICU MessageFormat (assets/locales/*.json): `{name}` placeholders,
 * `{n, plural, one {# point} other {# points}}` for counts, and `<cmd>play</cmd>` where a
 * message names a command, which is written the way the reader's platform spells it.
 */
import IntlMessageFormat from 'intl-messageformat';
import en from '../../assets/locales/en.json' with { type: 'json' };
import zh from '../../assets/locales/zh.json' with { type: 'json' };
import type { Locale } from '../core/reply.ts';

/** Every message key, taken from the English file: a key that is not there fails the type check. */
export type MessageKey = keyof typeof en;
export type MessageParams = Record<string, string | number>;

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
 * Formats a locale string. A placeholder left without a value shows as `{name}` rather than
 * failing the reply: a wrong string is better than no answer.
 */
export function t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const c = compile(locale, key);
  const values: Record<string, string | number | ((chunks: string[]) => string)> = {
    cmd: (chunks) => `/${chunks.join('')}`,
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
