/**
 * Text normalisation for answer judging. Pure: no I/O, no clock, no randomness.
 *
 * The comparison form of a text is a list of tokens:
 *   1. at most MAX_RAW_CHARS code units are looked at (hostile 10 KB guesses are cut early);
 *   2. Unicode NFKC, lower case, a few letters without a decomposition folded (ß → ss, æ → ae ...);
 *   3. accents stripped (NFD, combining marks removed, NFC again so Hangul recomposes);
 *   4. format characters (zero-width, bidi controls such as U+202E, BOM, soft hyphen), surrogates,
 *      private-use and unassigned code points dropped; apostrophes dropped ("it's" → "its");
 *   5. punctuation, symbols (emoji included), control characters and spacing become token breaks;
 *      a break is also made between Han and non-Han runs ("蒙娜丽莎painting" → 2 tokens);
 *   6. Chinese is folded to simplified (opencc-js, Hong Kong and Taiwan variants, both applied);
 *   7. leading fillers ("it's", "it is", "this is", "这是", "一只" ...) and articles (the, a, an),
 *      and trailing Chinese particles (吧, 吗 ...) are dropped, unless nothing would remain.
 *
 * The same function is used for guesses and answers, so the two sides always agree.
 */
import * as OpenCC from 'opencc-js/t2cn';
import type { pinyin as PinyinFn } from 'pinyin-pro';

/** Guesses longer than this (UTF-16 code units) are cut before any work is done. */
export const MAX_RAW_CHARS = 2000;
/** Length cap (code points) of the text stored for a guess. */
export const STORED_GUESS_MAX = 100;

// Built on first use: the conversion tables take about 10 MB, and only Chinese text needs them.
let hkToCn: ((s: string) => string) | undefined;
let twToCn: ((s: string) => string) | undefined;

const HAN = /\p{Script=Han}/u;
const HAN_ONLY = /^\p{Script=Han}+$/u;
const HAN_RUNS = /\p{Script=Han}+|[^\p{Script=Han}]+/gu;
const NON_ASCII = /[^\x00-\x7f]/;
const COMBINING = /\p{M}+/gu;
const DROPPED = /[\p{Cf}\p{Cs}\p{Co}\p{Cn}'`\u2018\u2019\u02bc\u02bb]+/gu;
const BREAKS = /[\s\p{Z}\p{P}\p{S}\p{Cc}]+/gu;
const ASCII_PLAIN = /^[a-z0-9 ]*$/;
const ASCII_DROPPED = /['`]+/g;
const ASCII_BREAKS = /[^a-z0-9]+/g;

/** Letters NFD does not decompose but players type without the diacritic. */
const FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};
const FOLD_RE = new RegExp(`[${Object.keys(FOLD).join('')}]`, 'gu');

/** Leading token sequences dropped, longest first. Articles come last so "it's the x" → "x". */
const LEADING_FILLERS: string[][] = [
  ['i', 'think', 'its'],
  ['i', 'think', 'it', 'is'],
  ['i', 'think'],
  ['it', 'is'],
  ['its'],
  ['this', 'is'],
  ['thats'],
  ['that', 'is'],
  ['is', 'it'],
  ['maybe'],
];
const ARTICLES = new Set(['the', 'a', 'an']);

/** Chinese fillers dropped from the start of the first token, longest first. */
const ZH_PREFIXES = [
  '我觉得是',
  '我觉得',
  '我猜是',
  '我猜',
  '应该是',
  '可能是',
  '好像是',
  '这个是',
  '这幅画是',
  '这幅是',
  '这张是',
  '这是',
  '那是',
  '它是',
  '是',
  '一只',
  '一个',
  '一幅',
  '一张',
  '一座',
  '一杯',
  '一面',
];
/** Chinese sentence particles dropped from the end of the last token. */
const ZH_SUFFIXES = ['吧', '吗', '嘛', '啊', '呀', '呢', '哦', '啦'];

function cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s; // a split surrogate pair is dropped later (\p{Cs})
}

/** Lower-case, fold and strip accents, drop invisible characters; returns text with spaces as breaks. */
function clean(input: string, simplify = true): string {
  let s = cut(input, MAX_RAW_CHARS);
  if (!NON_ASCII.test(s)) {
    s = s.toLowerCase();
    if (ASCII_PLAIN.test(s)) return s;
    return s.replace(ASCII_DROPPED, '').replace(ASCII_BREAKS, ' ');
  }
  s = s.normalize('NFKC').toLowerCase();
  s = s.replace(FOLD_RE, (ch) => FOLD[ch] ?? ch);
  s = s.normalize('NFD').replace(COMBINING, '').normalize('NFC');
  s = s.replace(DROPPED, '').replace(BREAKS, ' ');
  if (simplify && HAN.test(s)) s = knownSimplified?.get(s) ?? toSimplified(s);
  return s;
}

/** The text `input` gives toSimplified when tokenized, or null when it has no Chinese (to write the known table). */
export function simplifyInput(input: string): string | null {
  const s = clean(input, false);
  return HAN.test(s) ? s : null;
}

/** Whether the OpenCC tables have been built (tests: text the known table holds needs none). */
export function simplifierBuilt(): boolean {
  return hkToCn !== undefined;
}

/** Traditional (Hong Kong and Taiwan variants) → simplified. Idempotent on simplified text. */
export function toSimplified(s: string): string {
  const hk = (hkToCn ??= OpenCC.Converter({ from: 'hk', to: 'cn' }));
  const tw = (twToCn ??= OpenCC.Converter({ from: 'tw', to: 'cn' }));
  return tw(hk(s));
}

export function isHan(s: string): boolean {
  return HAN.test(s);
}

export function isAllHan(s: string): boolean {
  return HAN_ONLY.test(s);
}

function startsWith(tokens: string[], seq: string[]): boolean {
  if (tokens.length <= seq.length) return false; // keep at least one token
  for (let i = 0; i < seq.length; i++) if (tokens[i] !== seq[i]) return false;
  return true;
}

function stripFillers(tokens: string[]): string[] {
  let t = tokens;
  for (const seq of LEADING_FILLERS) {
    if (startsWith(t, seq)) {
      t = t.slice(seq.length);
      break;
    }
  }
  if (t.length > 1 && ARTICLES.has(t[0])) t = t.slice(1);
  if (t.length > 0 && HAN.test(t[0])) {
    // up to three Chinese prefixes: "我觉得这是一只猫" → "猫"
    for (let round = 0; round < 3; round++) {
      const first = t[0];
      const p = ZH_PREFIXES.find((x) => first.length > x.length && first.startsWith(x));
      if (!p) break;
      t = [first.slice(p.length), ...t.slice(1)];
    }
  }
  const lastIdx = t.length - 1;
  if (lastIdx >= 0 && HAN.test(t[lastIdx])) {
    let last = t[lastIdx];
    while (last.length > 1 && ZH_SUFFIXES.includes(last[last.length - 1])) last = last.slice(0, -1);
    if (last !== t[lastIdx]) t = [...t.slice(0, lastIdx), last];
  }
  return t;
}

/**
 * The comparison tokens of a text (see the module comment). Han and non-Han runs are separate
 * tokens. Never throws; returns [] for text with nothing comparable in it.
 */
export function tokenize(s: string): string[] {
  const cleaned = clean(typeof s === 'string' ? s : String(s));
  const tokens: string[] = [];
  for (const part of cleaned.split(' ')) {
    if (part === '') continue;
    if (HAN.test(part) && !HAN_ONLY.test(part)) {
      for (const run of part.match(HAN_RUNS) ?? []) tokens.push(run);
    } else {
      tokens.push(part);
    }
  }
  return stripFillers(tokens);
}

/** The comparison form: tokens joined without spaces ("The Mona-Lisa!" → "monalisa"). */
export function normalize(s: string): string {
  return tokenize(s).join('');
}

/**
 * The normalised text stored for a guess: comparison tokens joined by single spaces, at most
 * STORED_GUESS_MAX code points. Keeps word breaks so stored guesses stay readable.
 */
export function normalizeGuess(guess: string): string {
  const joined = tokenize(guess).join(' ');
  if (joined.length <= STORED_GUESS_MAX) return joined;
  return Array.from(joined).slice(0, STORED_GUESS_MAX).join('').trimEnd();
}

/**
 * Toneless pinyin syllables of an all-Han text, lower-case ASCII, ü written u
 * ("戴珍珠耳环的少女" → [dai, zhen, zhu, er, huan, de, shao, nu]). pinyin-pro picks readings of
 * polyphonic characters from the word context.
 */
export function pinyinSyllables(han: string): string[] {
  const known = knownPinyin?.get(han);
  if (known !== undefined) return known === '' ? [] : known.split(' ');
  return pinyinProSyllables(han);
}

/** pinyinSyllables from pinyin-pro itself, never from the known table (to write that table). */
export function pinyinProSyllables(han: string): string[] {
  pinyin ??= loadPinyinNow?.();
  if (!pinyin) throw new Error('pinyin is not loaded: await loadPinyin() before judging');
  const out: string[] = [];
  for (const syl of pinyin(han, { toneType: 'none', type: 'array' })) {
    const ascii = syl.normalize('NFD').replace(COMBINING, '').toLowerCase().replace(/[^a-z]/g, '');
    if (ascii) out.push(ascii);
  }
  return out;
}

// pinyin-pro's dictionaries cost about 10 MB of memory for as long as the process lives: they are
// loaded when first needed, not at start. An ES module cannot be imported synchronously, so code
// without provideKnownChinese (the CLI, the benches) awaits loadPinyin() before judging.
let pinyin: typeof PinyinFn | undefined;
let loadingPinyin: Promise<void> | undefined;
// Most Chinese text a bot judges is its decks' answers, whose pinyin and simplified forms can be known
// ahead: with tables of them, pinyin-pro and the OpenCC tables are loaded only for other Chinese text (a
// Chinese guess, a server's own deck), on first need; pinyin-pro by a synchronous loader, since the
// judging code is synchronous.
let knownPinyin: ReadonlyMap<string, string> | undefined;
let knownSimplified: ReadonlyMap<string, string> | undefined;
let loadPinyinNow: (() => typeof PinyinFn) | undefined;

/**
 * Gives the judge tables of known Chinese: pinyin (all-Han normalised text → syllables joined by
 * spaces, as pinyin-pro gives them), simplified forms (simplifyInput's text → toSimplified's), and a
 * synchronous way to load pinyin-pro for the rest.
 */
export function provideKnownChinese(o: {
  pinyin: ReadonlyMap<string, string>;
  simplified: ReadonlyMap<string, string>;
  loadPinyin: () => typeof PinyinFn;
}): void {
  knownPinyin = o.pinyin;
  knownSimplified = o.simplified;
  loadPinyinNow = o.loadPinyin;
}

/** Loads pinyin-pro once; pinyinSyllables (and so compileAnswers, rivalKeys, judge) needs it. */
export function loadPinyin(): Promise<void> {
  // Not a second copy (the ES build) beside one the synchronous loader already brought in.
  if (pinyin) return Promise.resolve();
  return (loadingPinyin ??= import('pinyin-pro').then((m) => {
    pinyin ??= m.pinyin;
  }));
}

/** Whether loadPinyin() has finished: the hot path checks this rather than awaiting each time. */
export function pinyinLoaded(): boolean {
  return pinyin !== undefined;
}

const TONE_DIGITS = /[0-5]/g;

/**
 * A latin token read as pinyin: tone digits dropped and v read as ü (written u), so
 * "meng4", "nv3" and "nü" compare equal to "meng", "nu" and "nu". Tone marks are already gone.
 * Returns "" when the token is not plain ASCII letters (and digits).
 */
export function pinyinToken(token: string): string {
  if (!/^[a-z0-9]+$/.test(token)) return '';
  return token.replace(TONE_DIGITS, '').replace(/v/g, 'u');
}
