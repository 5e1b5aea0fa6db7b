/**
 * Answer judging: compile an item's answers once, then judge guesses against them.
 * Pure: no I/O, no clock, no randomness.
 *
 * Rules (lengths are of the normalised form, see normalize.ts):
 * - correct: the guess, or a run of its words, equals an answer, an alias, or the toneless pinyin
 *   of a Chinese answer, within the typo tolerance of that answer: 0 edits below 5 characters,
 *   1 edit for 5–9, 2 edits from 10 (Damerau-Levenshtein, optimal string alignment).
 *   A guess may carry extra words ("it is the mona lisa painting") as long as the whole guess is
 *   at most 2 × (that answer's length) + 10 characters.
 * - Chinese answers get no typo tolerance on characters; a guess starting with the whole answer
 *   (2+ characters), or with it after "X的", and at most answer length + 2 characters longer is
 *   correct (蒙娜丽莎的微笑, 梵高的星空); with other text before it, close (白俄罗斯 for 俄罗斯).
 *   One-character answers (猫, 吻) must be matched exactly (熊猫 is not 猫).
 * - rivals (optional, the other items of the deck): a guess or run of words naming another item
 *   is not matched with tolerance or containment ("Gambia" is wrong for Zambia).
 * - close: one edit more than the tolerance (answers of 4+ characters); a part of a multi-word
 *   answer ("lisa", "starry", "pearl earring"; 3+ letters, not only stop words; 1 typo allowed
 *   from 7 letters); a 2+ character part of a Chinese answer (丽莎); 2+ syllables of its pinyin
 *   ("lisha"); a Chinese guess that sounds the same as the answer (蒙娜丽沙, homophone typo).
 * - wrong: everything else, and every guess whose normalised form is longer than
 *   2 × (longest normalised answer) + 10 characters ("list every answer" spam).
 */
import { damerauLevenshtein } from '../text/edit-distance.ts';
import { isAllHan, isHan, pinyinSyllables, pinyinToken, tokenize } from './normalize.ts';

export type Verdict = 'correct' | 'close' | 'wrong';

// Re-exported so callers can take the whole judging API from this module.
export { loadPinyin, normalize, normalizeGuess, pinyinLoaded, provideKnownChinese } from './normalize.ts';

export interface AnswerSource {
  answers: { en: string; zh: string };
  aliases?: string[];
}

/** A normalised latin (or pinyin) answer with its typo tolerance. */
interface Target {
  readonly key: string;
  /** Edits still judged correct. */
  readonly tol: number;
  /** Edits still judged close (≥ tol). */
  readonly close: number;
  /** Shortest and longest run of guess characters worth comparing. */
  readonly lo: number;
  readonly hi: number;
  /** Longest whole guess (normalised) in which a run may match this target: 2 × length + 10. */
  readonly maxTotal: number;
  /** Character histogram (code unit mod BINS), for a cheap lower bound of the distance. */
  readonly bag: Int16Array;
}

/** A normalised Chinese answer. */
interface HanTarget {
  readonly key: string;
  /** Toneless pinyin, no spaces. */
  readonly pinyin: string;
}

export interface CompiledAnswers {
  /** Normalised forms of every answer and alias, plus the pinyin of the Chinese ones. */
  readonly exact: ReadonlySet<string>;
  /** Latin answers and aliases. */
  readonly latin: readonly Target[];
  /** Pinyin of the all-Han answers and aliases. */
  readonly pinyin: readonly Target[];
  readonly han: readonly HanTarget[];
  /** Parts of multi-word latin answers (close), with their own small tolerance. */
  readonly latinParts: readonly Target[];
  /** Runs of 2+ syllables of the pinyin answers (close). */
  readonly pinyinParts: readonly Target[];
  /** Substrings of 2+ characters of the Chinese answers (close). */
  readonly hanParts: ReadonlySet<string>;
  /** Normalised answers of other items (see rivalKeys); a guess naming one is never correct. */
  readonly rivals: ReadonlySet<string>;
  /** Longest normalised answer, alias or pinyin form. */
  readonly maxLen: number;
  /** Guesses whose normalised form is longer than this are wrong. */
  readonly maxGuessLen: number;
}

/** Typo tolerance of an answer of `len` normalised characters. */
export function typoTolerance(len: number): number {
  if (len < 5) return 0;
  if (len <= 9) return 1;
  return 2;
}

/** Edits judged close: one more than the tolerance, from 4 characters. */
export function closeTolerance(len: number): number {
  const tol = typoTolerance(len);
  return len >= 4 ? tol + 1 : tol;
}

/** Tolerance for parts of answers (close only): 1 edit from 7 characters. */
function partTolerance(len: number): number {
  return len >= 7 ? 1 : 0;
}

const MIN_PART_LEN = 3;
const STOP_WORDS = new Set([
  'the', 'a', 'an', 'of', 'off', 'with', 'in', 'on', 'at', 'and', 'or', 'to', 'for', 'by', 'from',
  'is', 'it', 'its', 'this', 'that', 'my', 'his', 'her', 'de', 'la', 'le', 'les', 'l', 'du', 'des',
  'der', 'die', 'das', 'von', 'van', 'del', 'di', 'da', 'el', 'il', 'lo', 'y', 'et', 'und',
]);
/** Characters that make a poor start or end of a Chinese part (的 in 戴珍珠耳环的少女). */
const HAN_PART_EDGES = new Set(['的', '之', '和', '与', '在']);
/** "X的 answer" / "X之 answer" is still the answer (梵高的星空). */
const HAN_POSSESSIVE = new Set(['的', '之']);

const BINS = 32;

function addToBag(bag: Int16Array, s: string, sign: 1 | -1): void {
  for (let i = 0; i < s.length; i++) bag[s.charCodeAt(i) & (BINS - 1)] += sign;
}

function makeTarget(key: string, tol: number, close: number): Target {
  const bag = new Int16Array(BINS);
  addToBag(bag, key, 1);
  const lo = Math.max(key.length - close, Math.min(key.length, MIN_PART_LEN));
  return { key, tol, close, lo, hi: key.length + close, maxTotal: 2 * key.length + 10, bag };
}

function target(key: string): Target {
  return makeTarget(key, typoTolerance(key.length), closeTolerance(key.length));
}

function part(key: string): Target {
  const tol = partTolerance(key.length);
  return makeTarget(key, tol, tol);
}

/** Contiguous runs of tokens, shorter than the whole, that are not only stop words. */
function subRuns(tokens: string[], minTokens: number, stop: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (let j = i + minTokens; j <= tokens.length; j++) {
      if (i === 0 && j === tokens.length) continue;
      const run = tokens.slice(i, j);
      if (run.every((t) => stop.has(t))) continue;
      out.push(run.join(''));
    }
  }
  return out;
}

export interface CompileOptions {
  /**
   * Normalised answers of the other items that can be shown in the same game, from rivalKeys()
   * (it may include this item's own answers; those stay correct). A guess, or a run of its
   * words, equal to one of them is not matched with typo tolerance or containment, so
   * "Gambia" is wrong for Zambia, "Niger" for Nigeria, 白俄罗斯 for 俄罗斯.
   */
  rivals?: ReadonlySet<string>;
}

const EMPTY: ReadonlySet<string> = new Set();

/** The texts an item is judged against: its answers and aliases (not all strings, in a deck file not yet checked). */
export function answerTexts(src: AnswerSource): unknown[] {
  return [src.answers?.en, src.answers?.zh, ...(Array.isArray(src.aliases) ? src.aliases : [])];
}

/**
 * The normalised answers, aliases and pinyin of all `sources` (typically every item of a deck),
 * computed once and shared by every item's CompileOptions.rivals.
 */
export function rivalKeys(sources: Iterable<AnswerSource>): Set<string> {
  const keys = new Set<string>();
  for (const src of sources) {
    for (const text of answerTexts(src)) {
      if (typeof text !== 'string') continue;
      const key = tokenize(text).join('');
      if (key === '' || keys.has(key)) continue;
      keys.add(key);
      if (isAllHan(key)) {
        const py = pinyinSyllables(key).join('');
        if (py) keys.add(py);
      }
    }
  }
  return keys;
}

export function compileAnswers(src: AnswerSource, opts: CompileOptions = {}): CompiledAnswers {
  const raw = answerTexts(src);
  const exact = new Set<string>();
  const latin = new Map<string, Target>();
  const pinyinTargets = new Map<string, Target>();
  const han = new Map<string, HanTarget>();
  const latinPartKeys = new Set<string>();
  const pinyinPartKeys = new Set<string>();
  const hanParts = new Set<string>();

  for (const text of raw) {
    if (typeof text !== 'string') continue;
    const tokens = tokenize(text);
    const key = tokens.join('');
    if (key === '' || exact.has(key)) continue;
    exact.add(key);
    if (isAllHan(key)) {
      const syllables = pinyinSyllables(key);
      const py = syllables.join('');
      han.set(key, { key, pinyin: py });
      for (let i = 0; i < key.length; i++) {
        for (let j = i + 2; j <= key.length; j++) {
          if (i === 0 && j === key.length) continue;
          const sub = key.slice(i, j);
          if (HAN_PART_EDGES.has(sub[0]) || HAN_PART_EDGES.has(sub[sub.length - 1])) continue;
          hanParts.add(sub);
        }
      }
      if (py) {
        exact.add(py);
        pinyinTargets.set(py, target(py));
        for (const p of subRuns(syllables, 2, STOP_WORDS)) pinyinPartKeys.add(p);
      }
    } else if (!isHan(key)) {
      latin.set(key, target(key));
      for (const p of subRuns(tokens, 1, STOP_WORDS)) latinPartKeys.add(p);
    }
    // Mixed Han + latin answers ("X光") are matched exactly only.
  }

  const keep = (p: string) => p.length >= MIN_PART_LEN && !exact.has(p);
  const latinParts = [...latinPartKeys].filter(keep).map(part);
  const pinyinParts = [...pinyinPartKeys].filter(keep).map(part);
  for (const k of exact) hanParts.delete(k);

  let maxLen = 0;
  for (const k of exact) maxLen = Math.max(maxLen, k.length);
  return {
    exact,
    latin: [...latin.values()],
    pinyin: [...pinyinTargets.values()],
    han: [...han.values()],
    latinParts,
    pinyinParts,
    hanParts,
    rivals: opts.rivals ?? EMPTY,
    maxLen,
    maxGuessLen: 2 * maxLen + 10,
  };
}

/**
 * Best verdict of any contiguous run of `tokens` against `targets` (correct > close > wrong).
 * A run is compared with a target only when its length is within the target's close tolerance
 * and its character histogram is close enough: every edit changes the histogram's L1 distance by
 * at most 2, so distance ≥ ceil(L1 / 2) and most runs are rejected without a distance matrix.
 */
const runBag = new Int16Array(BINS);

function matchRuns(
  tokens: readonly string[],
  targets: readonly Target[],
  total: number,
  c: CompiledAnswers,
): Verdict {
  if (targets.length === 0) return 'wrong';
  let maxHi = 0;
  for (const t of targets) if (t.hi > maxHi) maxHi = t.hi;
  let best: Verdict = 'wrong';
  for (let i = 0; i < tokens.length; i++) {
    runBag.fill(0);
    let run = '';
    for (let j = i; j < tokens.length; j++) {
      run += tokens[j];
      if (run.length > maxHi) break;
      addToBag(runBag, tokens[j], 1);
      const len = run.length;
      if (c.rivals.has(run) && !c.exact.has(run)) continue; // another item's name
      for (const t of targets) {
        if (len < t.lo || len > t.hi || total > t.maxTotal) continue;
        if (run === t.key) return 'correct';
        let l1 = 0;
        const tb = t.bag;
        for (let b = 0; b < BINS; b++) {
          const diff = runBag[b] - tb[b];
          l1 += diff < 0 ? -diff : diff;
        }
        if ((l1 + 1) >> 1 > t.close) continue;
        const d = damerauLevenshtein(run, t.key, t.close);
        if (d <= t.tol) return 'correct';
        if (d <= t.close) best = 'close';
      }
    }
  }
  return best;
}

function isLatinToken(t: string): boolean {
  return !isHan(t);
}

export function judge(guess: string, compiled: CompiledAnswers): Verdict {
  const tokens = tokenize(typeof guess === 'string' ? guess : '');
  const key = tokens.join('');
  if (key === '') return 'wrong';
  if (compiled.exact.has(key)) return 'correct';
  if (key.length > compiled.maxGuessLen || compiled.rivals.has(key)) return 'wrong';

  let best: Verdict = 'wrong';
  const latinTokens = tokens.filter(isLatinToken);
  const hanText = latinTokens.length === tokens.length ? '' : tokens.filter(isHan).join('');

  if (latinTokens.length > 0) {
    const v = matchRuns(latinTokens, compiled.latin, key.length, compiled);
    if (v === 'correct') return v;
    if (v === 'close') best = v;

    if (compiled.pinyin.length > 0) {
      const pyTokens: string[] = [];
      for (const t of latinTokens) {
        const p = pinyinToken(t);
        if (p) pyTokens.push(p);
      }
      const pv = matchRuns(pyTokens, compiled.pinyin, key.length, compiled);
      if (pv === 'correct') return pv;
      if (pv === 'close') best = pv;
      if (best === 'wrong' && matchRuns(pyTokens, compiled.pinyinParts, key.length, compiled) !== 'wrong') {
        best = 'close';
      }
    }
    if (best === 'wrong' && matchRuns(latinTokens, compiled.latinParts, key.length, compiled) !== 'wrong') {
      best = 'close';
    }
  }

  if (hanText !== '' && compiled.han.length > 0) {
    let contained = false;
    for (const h of compiled.han) {
      if (hanText === h.key) return 'correct';
      if (h.key.length < 2 || hanText.length > 2 * h.key.length + 2) continue;
      const at = hanText.indexOf(h.key);
      if (at < 0) continue;
      // Extra text after the answer (蒙娜丽莎的微笑, 法国国旗) or an "X的" before it (梵高的星空) is
      // fine; other text before it may make another name (白俄罗斯 ⊃ 俄罗斯, 美属萨摩亚): close.
      if (at === 0 || HAN_POSSESSIVE.has(hanText[at - 1])) return 'correct';
      contained = true;
    }
    if (best === 'wrong') {
      if (contained || compiled.hanParts.has(hanText)) {
        best = 'close';
      } else if (hanText.length >= 2 && hanText.length <= compiled.maxLen + 2) {
        // Homophone typo: 蒙娜丽沙 for 蒙娜丽莎.
        const py = pinyinSyllables(hanText).join('');
        if (compiled.han.some((h) => h.pinyin !== '' && h.pinyin === py)) best = 'close';
      }
    }
  }
  return best;
}

