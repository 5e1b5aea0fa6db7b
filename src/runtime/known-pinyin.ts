/**
 * The pinyin of the built-in decks' Chinese answers, written ahead into assets/known-pinyin.json
 * (`npm run pinyin:known`; a test checks it is current). With it, judging those decks needs no
 * pinyin-pro, whose dictionaries hold about 10 MB for the life of the process: a bot whose players
 * guess in English never loads it. Other Chinese text (a Chinese guess, a server's own deck, an
 * operator's deck folder) loads pinyin-pro on first need.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { answerTexts, providePinyin } from '../core/game/judge.ts';
import { isAllHan, pinyinProSyllables, tokenize } from '../core/game/normalize.ts';
import type { Deck } from '../images/deck-schema.ts';
import { packagePath } from '../paths.ts';

export const KNOWN_PINYIN_FILE = 'assets/known-pinyin.json';

let provided = false;

/** Gives the judge the known table and a loader for pinyin-pro. Once per process; the services call it. */
export function provideKnownPinyin(): void {
  if (provided) return;
  provided = true;
  const table = JSON.parse(readFileSync(packagePath(...KNOWN_PINYIN_FILE.split('/')), 'utf8')) as Record<string, string>;
  // The CommonJS build, which can be required synchronously from the synchronous judging code.
  const load = () => (createRequire(import.meta.url)('pinyin-pro') as typeof import('pinyin-pro')).pinyin;
  providePinyin({ known: new Map(Object.entries(table)), load });
}

/** The table for `decks`, from pinyin-pro itself (loadPinyin() first): normalised all-Han answer → syllables. */
export function knownPinyinOf(decks: readonly Deck[]): Record<string, string> {
  const keys = new Set<string>();
  for (const deck of decks) {
    for (const item of deck.items) {
      for (const text of answerTexts(item)) {
        if (typeof text !== 'string') continue;
        const key = tokenize(text).join('');
        if (key !== '' && isAllHan(key)) keys.add(key);
      }
    }
  }
  const table: Record<string, string> = {};
  for (const key of [...keys].sort()) table[key] = pinyinProSyllables(key).join(' ');
  return table;
}

/** The file's text: one entry a line, so that a deck change shows as a small diff. */
export function knownPinyinJson(table: Record<string, string>): string {
  const lines = Object.entries(table).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}
