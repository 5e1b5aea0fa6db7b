/**
 * The pinyin and simplified forms of the built-in decks' Chinese answers, written ahead into
 * assets/known-chinese.json (`npm run chinese:known`; a test checks it is current). With them,
 * judging those decks needs neither pinyin-pro, whose dictionaries hold about 10 MB for the life of
 * the process, nor the OpenCC tables (about 4 MB): a bot whose players guess in English loads
 * neither. Other Chinese text (a Chinese guess, a server's own deck, an operator's deck folder)
 * loads them on first need.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { answerTexts, provideKnownChinese } from '../core/game/judge.ts';
import { isAllHan, pinyinProSyllables, simplifyInput, toSimplified, tokenize } from '../core/game/normalize.ts';
import type { Deck } from '../images/deck-schema.ts';
import { packagePath } from '../paths.ts';

export const KNOWN_CHINESE_FILE = 'assets/known-chinese.json';

export interface KnownChinese {
  pinyin: Record<string, string>;
  simplified: Record<string, string>;
}

let provided = false;

/** Gives the judge the known tables and a loader for pinyin-pro. Once per process; the services call it. */
export function provideKnownChineseTables(): void {
  if (provided) return;
  provided = true;
  const known = JSON.parse(readFileSync(packagePath(...KNOWN_CHINESE_FILE.split('/')), 'utf8')) as KnownChinese;
  provideKnownChinese({
    pinyin: new Map(Object.entries(known.pinyin)),
    simplified: new Map(Object.entries(known.simplified)),
    // The CommonJS build, which can be required synchronously from the synchronous judging code.
    loadPinyin: () => (createRequire(import.meta.url)('pinyin-pro') as typeof import('pinyin-pro')).pinyin,
  });
}

/** The tables for `decks`, from pinyin-pro and OpenCC themselves, never from the known tables (loadPinyin() first). */
export function knownChineseOf(decks: readonly Deck[]): KnownChinese {
  const keys = new Set<string>();
  const inputs = new Set<string>();
  for (const deck of decks) {
    for (const item of deck.items) {
      for (const text of answerTexts(item)) {
        if (typeof text !== 'string') continue;
        const input = simplifyInput(text);
        if (input !== null) inputs.add(input);
        const key = tokenize(text).join('');
        if (key !== '' && isAllHan(key)) keys.add(key);
      }
    }
  }
  const pinyin: Record<string, string> = {};
  for (const key of [...keys].sort()) pinyin[key] = pinyinProSyllables(key).join(' ');
  const simplified: Record<string, string> = {};
  for (const input of [...inputs].sort()) simplified[input] = toSimplified(input);
  return { pinyin, simplified };
}

/** The file's text: one entry a line, so that a deck change shows as a small diff. */
export function knownChineseJson(known: KnownChinese): string {
  return JSON.stringify(known, null, 2) + '\n';
}
