import * as OpenCC from 'opencc-js/t2cn';
import { foldSynonyms } from './synonyms.ts';

/**
 * Text analysis shared by indexing and querying. Pure: no I/O, no clock.
 *
 * Chinese has no spaces, so a run of Han characters is indexed twice: as the words
 * `Intl.Segmenter` finds, and as overlapping character bigrams. The segmenter is
 * context-dependent (the same word can be cut differently in a question and in an
 * entry); the bigrams make such mismatches still meet. Traditional characters are
 * folded to simplified ones first, so 湧現 and 涌现 are the same term.
 */

/** Queries are questions; anything longer is cut so hostile input stays cheap. */
export const MAX_QUERY_CHARS = 300;

// Built on first use: the conversion tables cost megabytes that only Chinese text needs.
let tToCn: ((s: string) => string) | undefined;
const toSimplified = (s: string): string => (tToCn ??= OpenCC.Converter({ from: 't', to: 'cn' }))(s);
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

const HAN = /\p{Script=Han}/u;
const HAN_RUNS = /\p{Script=Han}+/gu;
// Letters and digits; decimals such as "1.0" or "3.5" stay one token.
const WORD = /[\p{L}\p{N}]+(?:\.\p{N}+)*/gu;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

const EN_STOP = new Set(
  (
    'a an the of to in on at by for from with about as into onto over under and or but if then than so ' +
    'is are was were be been being am do does did doing done have has had having ' +
    'i me my mine you your yours he him his she her it its we us our they them their this that these those ' +
    'what whats which who whom whose why how when where there here ' +
    'can could would should will shall may might must ' +
    'not no yes just also very really too more most much many some any all each every ' +
    'tell explain explanation say says said please thing things something ' +
    'get gets got make makes made let lets know s t d ll re ve m ' +
    'don doesn didn isn aren wasn weren won wouldn couldn shouldn can cannot ' +
    // Words that frame a question rather than name its topic.
    'like want wonder curious question questions answer please kind sort way ways work works ' +
    'relate related relation relations relationship difference differences differ between compare comparison versus vs ' +
    'time times example examples exactly actually basically idea concept topic mean means meant anyway plain simple simply ' +
    'mention mentions mentioned briefly special'
  ).split(/\s+/),
);

// Function words that carry no topic; multi-character ones are removed as segmenter words.
const ZH_STOP = new Set(
  (
    '的 地 得 了 着 过 是 吗 呢 吧 啊 呀 嘛 么 和 与 及 或 也 都 就 还 又 在 把 被 给 对 从 向 让 而 ' +
    '我 你 您 他 她 它 我们 你们 他们 她们 它们 咱们 自己 这 那 这个 那个 这些 那些 这里 那里 这种 那种 这样 那样 ' +
    '什么 为什么 为何 怎么 怎么样 怎样 如何 哪 哪个 哪些 哪里 谁 多少 几 吗 是否 是不是 有没有 ' +
    '一个 一下 一些 有 没有 能 会 可以 可能 要 想 请 请问 问 说说 讲讲 讲 解释 告诉 意思 什么意思 到底 究竟 呢 ' +
    '就是 还是 但是 所以 因为 如果 然后 而且 以及 关于 对于 之 其 个 ' +
    // Words that frame a question rather than name its topic.
    '到底是 到底 究竟是 为啥 啥 咋 咋样 怎么办 该怎么办 该 关系 有关 区别 差别 不同 之间 原因 作用 是指 指的是 叫做 叫 ' +
    '今天 明天 昨天 几号 几点 例子 举例 举个例子 这个例子 那个例子 啥事 什么事 哪些事 词 这个词 这词 能否 算不算 算是 没法 能不能 可不可以 一定 一定能 真的 真的是 这么 那么 呀 哪儿 啊 多大 问题 ' +
    // Colloquial frames: 是啥, 凭啥, 咋回事, 是个…
    '特别 特殊 特征 特点 梗 啥梗 跟 是啥 是个 是个啥 啥意思 是啥意思 凭啥 凭什么 咋回事 怎么回事 咋理解 怎么理解 如何理解 讲了啥 说了啥 干啥 干嘛 为啥是 咋 呗 哈 嘞 儿 个儿'
  ).split(/\s+/),
);

// Particles and conjunctions the segmenter sometimes glues onto a neighbouring word.
const EDGE_GLUE = new Set(Array.from('的跟和与'));

// A bigram containing one of these characters is almost always glue between words.
const ZH_GLUE_CHARS = new Set(Array.from('的地得了着是吗呢吧啊呀嘛么什和与跟也都就还在把被这那你我他她它们个之其'));

// Very common verbs, adverbs and particles. A query word made only of these (做不了,
// 没法, 看出) says little about the topic, so it weighs less when judging coverage.
const ZH_LIGHT_CHARS = new Set(
  Array.from(
    '不没了的地得着过是做会能要有该办怎么去来出到上下很太最更多少大小好一个些看说讲想用让给才就又再还只别后前里中时候' +
      '新对错真点样种次把被比起开成为以可已经都也而但并所之其此各每几第两什哪谁吗呢吧啊呀嘛啦这那你我他她它们学懂东西事',
  ),
);

/** True for a Chinese word made only of very common function characters. */
export function isLightHan(word: string): boolean {
  return Array.from(word).every((c) => ZH_LIGHT_CHARS.has(c));
}

/** NFKC, no control or zero-width characters, lower case, simplified Chinese, capped. */
export function normalizeText(s: string, max = Infinity): string {
  let out = String(s ?? '');
  // Cut huge input before the costlier steps; the exact cap comes after normalising.
  if (max !== Infinity && out.length > max * 4) out = out.slice(0, max * 4);
  out = out.normalize('NFKC').replace(CONTROL, ' ');
  if (out.length > max) out = Array.from(out).slice(0, max).join('');
  out = out.toLowerCase();
  return HAN.test(out) ? toSimplified(out) : out;
}

/** True when the text contains Chinese characters. */
export function hasHan(s: string): boolean {
  return HAN.test(s);
}

// Irregular forms a reader uses for the entries' verbs ("seeing it before", "seen before").
const IRREGULAR: Readonly<Record<string, string>> = {
  seen: 'see', saw: 'see', thought: 'think', built: 'build', grew: 'grow', grown: 'grow', taught: 'teach',
  found: 'find', felt: 'feel', won: 'win', began: 'begin', begun: 'begin', chose: 'choose', chosen: 'choose',
};

/** A light English stemmer: enough to make plurals and -ing/-ed forms meet. */
export function stem(word: string): string {
  let w = IRREGULAR[word] ?? word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ily') && w.length > 5) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);
  // improvement meets improving, movement moving.
  if (w.endsWith('ment') && w.length > 7) w = w.slice(0, -4);
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  if (/(.)\1$/.test(w) && !/(ll|ss|zz)$/.test(w) && w.length >= 4) w = w.slice(0, -1);
  return w;
}

/** One meaningful piece of a query, used to judge how much of it an entry covers. */
export interface QueryUnit {
  /** The term as indexed (stemmed English word, or a Chinese segmenter word). */
  term: string;
  han: boolean;
  /**
   * Chinese only: for each character of the unit, the bigrams that would cover it
   * when the unit itself is not found as a term.
   */
  cover: string[][];
}

export interface Analysis {
  /** Every term to look up: words, plus bigrams of Chinese runs. */
  terms: string[];
  units: QueryUnit[];
}

const isGlue = (c: string | undefined) => c !== undefined && ZH_GLUE_CHARS.has(c);

function bigramsOf(run: string, kept?: readonly boolean[]): string[] {
  const chars = Array.from(run);
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) {
    if (kept && !(kept[i] && kept[i + 1])) continue;
    const a = chars[i] as string;
    const b = chars[i + 1] as string;
    if (isGlue(a) || isGlue(b)) continue;
    out.push(a + b);
  }
  return out;
}

/**
 * Which bigrams cover each character of `chars[from..to)`. Inside a trusted word only
 * its own bigrams count; around characters the segmenter left single, bigrams reaching
 * into the neighbours count too (放大|镜 is still 放大镜).
 */
function coverOf(chars: string[], from: number, to: number, reach: boolean): string[][] {
  const lo = reach ? 0 : from;
  const hi = reach ? chars.length : to;
  const out: string[][] = [];
  for (let i = from; i < to; i++) {
    const c: string[] = [];
    for (const j of [i - 1, i]) {
      if (j < lo || j + 1 >= hi) continue;
      const a = chars[j] as string;
      const b = chars[j + 1] as string;
      if (!isGlue(a) && !isGlue(b)) c.push(a + b);
    }
    out.push(c);
  }
  return out;
}

/** Analyses already-normalised text (see `normalizeText`). */
// Colloquial question frames, cut out before segmentation: the segmenter splits them
// unpredictably (凭|啥|说), leaving single characters that look like topic words.
const ZH_FRAMES = /咋办|咋整|怎么整|说人话|用人话|大白话|通俗[点地]?[讲说]?|简单[点地]?[讲说]|答案|[这那哪一每][张幅]|几号|几点|星期几|礼拜几|行不行|行吗|可以吗|好不好|对不对|对吗|为什么|为啥|凭啥|凭什么|是啥|是什么|什么是|啥意思|什么意思|咋回事|怎么回事|咋理解|怎么理解|如何理解|到底|究竟|是不是|有没有|能不能|算不算|会不会|要不要|可不可以|是个啥|啥叫|什么叫/g;

// English asks for plain words the same way: "in plain words" is a frame, not the topic "words".
const EN_FRAMES = /\b(?:eli5|explain like i'?m (?:five|5)|in (?:plain|simple|layman'?s?|everyday|easy) (?:words|english|terms|language)|in a nutshell|for dummies|for a beginner)\b/g;

export function analyzeNormalized(normalized: string): Analysis {
  const text = foldSynonyms(normalized).replace(ZH_FRAMES, ' ').replace(EN_FRAMES, ' ');
  const terms: string[] = [];
  const units: QueryUnit[] = [];
  const seenUnits = new Set<string>();
  const addUnit = (u: QueryUnit) => {
    if (seenUnits.has(u.term)) return;
    seenUnits.add(u.term);
    units.push(u);
  };

  // Non-Chinese words: everything outside Han runs.
  const latin = text.replace(HAN_RUNS, ' ');
  for (const m of latin.matchAll(WORD)) {
    const raw = m[0];
    if (EN_STOP.has(raw)) continue;
    const t = stem(raw);
    if (EN_STOP.has(t)) continue;
    terms.push(t);
    addUnit({ term: t, han: false, cover: [] });
  }

  for (const m of text.matchAll(HAN_RUNS)) {
    const chars = Array.from(m[0]);
    // Segments with their character offsets; a trailing 的 or a 跟/和 the segmenter glued on is dropped (做的 → 做, 屏跟 → 屏).
    const segs: { w: string; from: number; to: number }[] = [];
    let pos = 0;
    for (const seg of segmenter.segment(m[0])) {
      const len = Array.from(seg.segment).length;
      let from = pos;
      let to = pos + len;
      pos += len;
      if (!seg.isWordLike || ZH_STOP.has(seg.segment)) continue;
      while (to > from + 1 && EDGE_GLUE.has(chars[to - 1] as string)) to--;
      while (to > from + 1 && EDGE_GLUE.has(chars[from] as string) && chars[from] !== '的') from++;
      const w = chars.slice(from, to).join('');
      if (w && !ZH_STOP.has(w)) segs.push({ w, from, to });
    }
    // The segmenter sometimes cuts a real word into single characters (像|素, 阈|值):
    // neighbouring single characters form one unit, matched through nearby bigrams.
    for (let i = 0; i < segs.length; ) {
      const s0 = segs[i] as (typeof segs)[number];
      terms.push(s0.w);
      if (s0.to - s0.from > 1) {
        addUnit({ term: s0.w, han: true, cover: coverOf(chars, s0.from, s0.to, false) });
        i++;
        continue;
      }
      let j = i + 1;
      while (j < segs.length && (segs[j] as (typeof segs)[number]).to - (segs[j] as (typeof segs)[number]).from === 1 && (segs[j] as (typeof segs)[number]).from === (segs[j - 1] as (typeof segs)[number]).to) {
        terms.push((segs[j] as (typeof segs)[number]).w);
        j++;
      }
      const to = (segs[j - 1] as (typeof segs)[number]).to;
      addUnit({ term: chars.slice(s0.from, to).join(''), han: true, cover: coverOf(chars, s0.from, to, true) });
      i = j;
    }
    // Bigrams only inside the kept words: a stop word's own bigrams (特别, 有啥) would rank entries by chance.
    const kept = new Array<boolean>(chars.length).fill(false);
    for (const sg of segs) for (let k = sg.from; k < sg.to; k++) kept[k] = true;
    for (const b of bigramsOf(m[0], kept)) terms.push(b);
  }
  return { terms, units };
}

/** Index-time tokenizer (MiniSearch `tokenize`): normalises, then analyses. */
export function tokenize(text: string): string[] {
  return analyzeNormalized(normalizeText(text)).terms;
}

/** A key for exact name matching: normalised, without spaces, dashes or punctuation. */
export function nameKey(s: string): string {
  return normalizeText(s).replace(/[\s\p{P}\p{S}]+/gu, '');
}
