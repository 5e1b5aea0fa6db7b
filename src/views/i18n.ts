import en from '../../assets/locales/en.json' with { type: 'json' };
import zh from '../../assets/locales/zh.json' with { type: 'json' };
import type { Locale } from '../core/reply.ts';

export type MessageKey = keyof typeof en;
const tables: Record<Locale, Record<string, string>> = { en, zh };

/** Looks up a locale string and fills `{name}` placeholders. Falls back to English, then the key. */
export function t(locale: Locale, key: MessageKey | string, params: Record<string, string | number> = {}): string {
  const template = tables[locale]?.[key] ?? tables.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function hasKey(key: string): boolean {
  return key in tables.en;
}

/** Picks a language from a platform locale tag (`zh-CN`, `zh-TW`, `en-US` …). */
export function localeFromTag(tag: string | undefined | null): Locale {
  return tag && /^zh\b/i.test(tag) ? 'zh' : 'en';
}

export function pick<T extends { en: string; zh: string }>(text: T, locale: Locale): string {
  return text[locale] || text.en;
}
