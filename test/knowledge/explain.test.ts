import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  autocomplete,
  createKnowledgeIndex,
  detectLocale,
  explain,
  KNOWLEDGE_CREDIT,
  type KnowledgeIndex,
} from '../../src/core/knowledge/index.ts';
import { isWhyQuestion, whatIsSubject } from '../../src/core/knowledge/frames.ts';
import { foldSynonyms } from '../../src/core/knowledge/synonyms.ts';
import { analyzeNormalized, nameKey, normalizeText } from '../../src/core/knowledge/text.ts';
import { loadKnowledge } from '../../src/knowledge/load.ts';
import { DEMOS, REQUIRED_IDS, SECTIONS, type KnowledgeEntry } from '../../src/knowledge/schema.ts';
import { run } from '../../src/cli/explain.ts';
import { ARTICLE, RUN, encode, keptText, readFingerprint, runHash, runHashes } from './article-fingerprint.ts';

interface EvalCase {
  q: string;
  lang: 'en' | 'zh';
  expected: string | null;
}

const readSet = (name: string) => (JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as { questions: EvalCase[] }).questions;
/** Written from the article and the entry titles before the entries were read, and never tuned on. */
const heldOut = readSet('./eval-held-out.json');
const tune = readSet('./eval-tune.json');
/**
 * Top-1 floors. The held-out floor is the goal, 97%: `npm test` fails below it. The tune floor
 * guards what is reached there (see README), so a regression fails. Out-of-scope refusal must be 100%.
 */
const HELD_OUT_FLOOR = 0.97;
const TUNE_FLOOR = 0.97;

let entries: KnowledgeEntry[];
let index: KnowledgeIndex;

beforeAll(async () => {
  entries = await loadKnowledge();
  index = createKnowledgeIndex(entries);
});

/** Sentence-ending punctuation: 。！？ in Chinese; . ! ? followed by a space or the end in English. */
function sentences(text: string, lang: 'en' | 'zh'): number {
  const re = lang === 'zh' ? /[。！？!?]+/g : /[.!?]+["'”’)]?(?=\s|$)/g;
  return (text.match(re) ?? []).length;
}

describe('knowledge base', () => {
  it('has every required id and more', () => {
    const ids = new Set(entries.map((e) => e.id));
    for (const id of REQUIRED_IDS) expect(ids, id).toContain(id);
    expect(entries.length).toBeGreaterThan(REQUIRED_IDS.length);
  });

  it('relates only to existing ids', () => {
    const ids = new Set(entries.map((e) => e.id));
    for (const e of entries) for (const r of e.related) expect(ids.has(r), `${e.id} → ${r}`).toBe(true);
  });

  it('uses the article headings and the known demos', () => {
    for (const e of entries) {
      expect(SECTIONS, e.id).toContain(e.section);
      if (e.demo) expect(DEMOS, e.id).toContain(e.demo);
    }
    const demo = Object.fromEntries(entries.map((e) => [e.id, e.demo]));
    expect(demo['emergence']).toBe('mona-lisa-strip');
    expect(demo['picture-experiment']).toBe('mona-lisa-strip');
    expect(demo['threshold']).toBe('step-32');
    expect(demo['multiple-thresholds']).toBe('fan-two-frames');
    expect(demo['knowledge-compression']).toBe('famous-vs-unknown-16');
  });

  it('keeps short answers to 2–5 sentences in both languages', () => {
    for (const e of entries) {
      for (const lang of ['en', 'zh'] as const) {
        const n = sentences(e.short[lang], lang);
        expect(n, `${e.id} short.${lang} has ${n} sentences`).toBeGreaterThanOrEqual(2);
        expect(n, `${e.id} short.${lang} has ${n} sentences`).toBeLessThanOrEqual(5);
      }
      expect(e.long.en.length, e.id).toBeGreaterThan(e.short.en.length);
      expect(e.long.zh.length, e.id).toBeGreaterThan(e.short.zh.length);
    }
  });

  it('has keywords and aliases in both languages, each alias naming one entry', () => {
    const owner = new Map<string, string>();
    for (const e of entries) {
      for (const lang of ['en', 'zh'] as const) {
        expect(e.keywords[lang].length, `${e.id} keywords.${lang}`).toBeGreaterThan(0);
        expect(e.aliases[lang].length, `${e.id} aliases.${lang}`).toBeGreaterThan(0);
      }
      for (const a of new Set([...e.aliases.en, ...e.aliases.zh].map(nameKey))) {
        expect(owner.get(a) ?? e.id, `alias "${a}" in ${e.id} and ${owner.get(a)}`).toBe(e.id);
        owner.set(a, e.id);
      }
    }
  });

  it('credits the article', () => {
    expect(KNOWLEDGE_CREDIT.en).toContain('文君');
    expect(KNOWLEDGE_CREDIT.en).toContain('MindCode');
    expect(KNOWLEDGE_CREDIT.zh).toContain('文君');
    expect(KNOWLEDGE_CREDIT.zh).toContain('MindCode');
  });

  // The writing rule: the article's facts carry over, its sentences do not. The article stays outside the
  // repository; its fingerprint (article-fingerprint.ts: a hash per run of 14 characters) is checked in.
  it('shares no run of 14+ characters with the article, names of works aside', () => {
    const fingerprint = readFingerprint();
    // Where the article is at hand (../shared beside the clone, as in CI), the fingerprint must be its own.
    if (existsSync(ARTICLE)) expect(encode(fingerprint)).toBe(encode(runHashes(keptText(readFileSync(ARTICLE, 'utf8')))));
    const names = ['AI的智能涌现对你意味着什么', 'CompressionforAGI', 'BitterLesson'];
    const clean = (s: string) => names.reduce((acc, n) => acc.split(n).join('|'), keptText(s));
    for (const e of entries) {
      for (const text of [e.short.zh, e.long.zh]) {
        for (const part of clean(text).split('|')) {
          const chars = Array.from(part);
          for (let i = 0; i + RUN <= chars.length; i++) {
            const run = chars.slice(i, i + RUN).join('');
            expect(fingerprint.has(runHash(run)), `${e.id}: "${run}" is copied from the article`).toBe(false);
          }
        }
      }
    }
  });
});

describe('eval set', () => {
  it('has 300+ questions in two halves, each half Chinese and English, with out-of-scope questions in both languages', () => {
    expect(heldOut.length + tune.length).toBeGreaterThanOrEqual(300);
    const ids = new Set(entries.map((e) => e.id));
    for (const half of [heldOut, tune]) {
      expect(half.length).toBeGreaterThanOrEqual(150);
      const zh = half.filter((c) => c.lang === 'zh').length;
      expect(Math.abs(zh - (half.length - zh))).toBeLessThanOrEqual(half.length * 0.1);
      const out = half.filter((c) => c.expected === null);
      expect(out.filter((c) => c.lang === 'zh').length).toBeGreaterThanOrEqual(10);
      expect(out.filter((c) => c.lang === 'en').length).toBeGreaterThanOrEqual(10);
      for (const c of half) if (c.expected !== null) expect(ids.has(c.expected), c.expected).toBe(true);
    }
  });

  it('keeps the halves apart: no question is in both, and no entry lists a held-out question', () => {
    const key = (q: string) => nameKey(q);
    const held = new Set(heldOut.map((c) => key(c.q)));
    for (const c of tune) expect(held.has(key(c.q)), c.q).toBe(false);
    for (const e of entries) for (const q of [...e.questions.en, ...e.questions.zh]) expect(held.has(key(q)), `${e.id}: ${q}`).toBe(false);
  });

  for (const [name, half, floor] of [
    ['held-out', heldOut, HELD_OUT_FLOOR],
    ['tune', tune, TUNE_FLOOR],
  ] as const) {
    it(`${name}: top-1 accuracy at its floor, and every out-of-scope question refused`, () => {
      const wrong: string[] = [];
      const leaked: string[] = [];
      let correct = 0;
      for (const c of half) {
        const r = explain(index, c.q);
        if (r.topic === c.expected) correct++;
        else wrong.push(`${c.q} → ${r.topic} (expected ${c.expected})`);
        if (c.expected === null && r.topic !== null) leaked.push(`${c.q} → ${r.topic}`);
      }
      expect(leaked, 'out-of-scope questions that got a topic').toEqual([]);
      const accuracy = correct / half.length;
      expect(accuracy, `accuracy ${(accuracy * 100).toFixed(1)}%; misses:\n${wrong.join('\n')}`).toBeGreaterThanOrEqual(floor);
    });
  }
});

describe('synonyms, sizes and question frames', () => {
  it('folds the article terms across both languages', () => {
    for (const q of ['门槛', '临界点是啥', 'tipping point', 'what is the threshold', '阈值是什么', 'what does 阈值 mean', 'the critical point?']) {
      expect(explain(index, q).topic, q).toBe('threshold');
    }
    for (const q of ['32×32', '32*32', '32 x 32', '1024 pixels', '1024像素', '1024个像素']) {
      expect(foldSynonyms(normalizeText(q)).trim(), q).toBe('32x32');
    }
    expect(foldSynonyms('600亿参数').trim().split(/\s+/)).toEqual(['p60b', 'parameter0']);
    expect(foldSynonyms('60 billion parameters').trim().split(/\s+/)).toEqual(['p60b', 'parameter0']);
    expect(foldSynonyms('第5步').trim()).toBe('step5');
    expect(foldSynonyms('the fifth step').trim().split(/\s+/)).toEqual(['the', 'step5']);
    // Whole words only: "fan" is not in "fantasy", "loss" not in "lossless".
    expect(foldSynonyms('fantasy')).toBe('fantasy');
    expect(foldSynonyms('lossless').trim()).toBe('lossless0');
  });

  it('reads a bare picture side as its size, but not arithmetic or other units', () => {
    const terms = (s: string) => foldSynonyms(normalizeText(s)).trim().split(/\s+/);
    expect(terms('32到64差那么多')).toEqual(expect.arrayContaining(['32x32', '64x64']));
    expect(terms('why is 16 enough for the Mona Lisa')).toContain('16x16');
    for (const q of ['what is 32 times 32', '32乘32等于几', '32位系统', '64 bit windows', '16岁']) {
      expect(terms(q).filter((t) => /^\d+x\d+$/.test(t)), q).toEqual([]);
    }
    expect(terms('iPhone 16什么时候出')).not.toContain('16x16');
    expect(explain(index, 'iPhone 16什么时候出').topic).toBeNull();
    expect(explain(index, '32到64差那么多也算突然?').topic).toBe('micro-macro');
    expect(explain(index, 'what is 32 times 32').topic).toBeNull();
  });

  it('weighs a Chinese word by its content characters: 太高 counts half, 老婆 in full', () => {
    expect(explain(index, 'AI的维度太高咋办').topic).toBe('dimension-reduction');
    expect(explain(index, '爱因斯坦的老婆是谁').topic).toBeNull();
    expect(explain(index, '水到100度才开是啥意思').topic).toBe('bitter-lesson');
  });

  it('counts a negation as content (没电), reads 1+1=2 as one term (2+2 is not it), and unglues 跟 from its neighbour', () => {
    for (const q of ['手机没电了咋办', "what's 2+2", '2+3等于几']) expect(explain(index, q).topic, q).toBeNull();
    expect(explain(index, '1+1=2跟涌现有啥关系').topic).toBe('intuition');
    expect(explain(index, 'retina屏跟AI有啥关系').topic).toBe('perception-limit');
  });

  it("folds the article's spans of time and its seven questions, in digits or words", () => {
    const terms = (s: string) => foldSynonyms(normalizeText(s)).trim().split(/\s+/);
    for (const [a, b] of [['过去10年', '过去十年'], ['未来20年', '未来二十年'], ['70 years', 'seventy years'], ['7个问题', 'the seven questions']] as const) {
      expect(terms(a).at(-1), a).toBe(terms(b).at(-1));
    }
    expect(explain(index, 'what are the 7 questions').topic).toBe('why-it-matters');
    expect(explain(index, '过去10年AI干了啥').topic).toBe('ai-eras');
  });

  it('strips plain-words frames: 说人话, 大白话, ELI5, in plain words', () => {
    for (const q of ['涌现说人话是啥', '用大白话讲讲涌现', 'emergence, ELI5', 'emergence in plain words']) expect(explain(index, q).topic, q).toBe('emergence');
  });

  it('folds an English term written against Chinese with no space, as it folds a spaced one', () => {
    const terms = (s: string) => foldSynonyms(normalizeText(s)).trim().split(/\s+/);
    expect(terms('world model是啥意思')).toEqual(terms('world model 是啥意思'));
    expect(terms('world model是啥意思')[0]).toBe('worldmodel0');
    expect(terms('emergence为啥突然')).toEqual(['emergence0', '为啥', 'sudden0']);
    expect(terms('用了1024像素')).toEqual(['用了', '32x32']);
    expect(terms('GPT-3有多少参数')).toEqual(['gpt', 'gpt3', '有多少', 'parameter0']);
  });

  it('keeps the plural "thresholds" apart, and reads the experiment\'s six steps and "32 by 32"', () => {
    const terms = (s: string) => foldSynonyms(normalizeText(s)).trim().split(/\s+/);
    expect(terms('more thresholds')).toEqual(['more', 'thresholds0']);
    expect(terms('the threshold')).toEqual(['the', 'threshold0']);
    expect(terms('the 6 steps')).toEqual(['the', 'steps6']);
    expect(terms('六步')).toEqual(['steps6']);
    expect(terms('第6步')).toEqual(['step6']);
    expect(terms('32 by 32')).toEqual(['32x32']);
    expect(explain(index, 'more thresholds?').topic).toBe('multiple-thresholds');
    expect(explain(index, 'what were the 6 steps').topic).toBe('picture-experiment');
    expect(terms('时灵时不灵')).toEqual(terms('flaky'));
    expect(terms('GPT-4')).toEqual(terms('gpt4'));
    // A Chinese "what is X" needs X itself, not just its parts: 机器学习 is not 学习 (RLHF's 强化学习),
    // but 苦涩教训 is the entry's 苦涩的教训.
    expect(explain(index, '什么是机器学习').topic).toBeNull();
    expect(explain(index, 'Sutton说的苦涩教训是啥').topic).toBe('bitter-lesson');
    // Date and time questions are not about the article.
    expect(explain(index, '今天几号').topic).toBeNull();
    expect(explain(index, 'what time is it').topic).toBeNull();
  });

  it('reads "what is X" and sends it to the entry named X, in both languages', () => {
    expect(whatIsSubject("what's a world model?")).toBe('world model');
    expect(whatIsSubject('what does emergent mean')).toBe('emergent');
    expect(whatIsSubject('泛化是啥')).toBe('泛化');
    expect(whatIsSubject('什么是世界模型?')).toBe('世界模型');
    expect(whatIsSubject('why is 32x32 special')).toBeUndefined();
    expect(whatIsSubject('bitter lesson 是什么')).toBe('bitter lesson');
    // "a" is an article only as a word of its own: "what article" keeps its subject whole.
    expect(whatIsSubject('what article is this from')).toBe('article is this from');
    expect(whatIsSubject('what is an analogy')).toBe('analogy');
    for (const [q, id] of [
      ['世界模型是啥', 'world-model'],
      ['generalization 是啥', 'generalization'],
      ['emergence是什么', 'emergence'],
      ['what is a world model', 'world-model'],
      ['涌现是啥', 'emergence'],
    ] as const) {
      expect(explain(index, q).topic, q).toBe(id);
    }
    // An entry that uses X only in passing, in its long text, does not define X.
    expect(explain(index, '什么是神经网络').topic).toBeNull();
    expect(explain(index, 'what is a neural network').topic).toBeNull();
    expect(isWhyQuestion('凭啥16x16就能认出来')).toBe(true);
    expect(isWhyQuestion('why so early')).toBe(true);
    expect(isWhyQuestion('what is emergence')).toBe(false);
  });

  it('answers questions by their numbers: sizes, parameters, steps', () => {
    expect(explain(index, '2048个像素').topic).toBe('multiple-thresholds');
    expect(explain(index, '100万亿参数').topic).toBe('perception-limit');
    expect(explain(index, 'why 32×32?').topic).toBe('threshold');
  });

  it('answers with the best entry that covers the question, even below a hit that covers less', () => {
    // Ranked first: scale-not-size (pixels, size) with too little of the question; the threshold covers it.
    expect(explain(index, '32×32 pixels, why that size').topic).toBe('threshold');
    // A measure word after 这/那 is glue, not part of the next word (那张船 is 船).
    expect(analyzeNormalized(normalizeText('那张船的图是啥')).units.map((u) => u.term)).toEqual(['船', '图']);
  });

  it('offers a close second topic, and always three topics when refusing', () => {
    const withSecond = tune.map((c) => explain(index, c.q)).find((r) => r.alternative);
    expect(withSecond, 'some tune question has a close second').toBeDefined();
    expect(withSecond!.alternative).not.toBe(withSecond!.topic);
    expect(index.byId.has(withSecond!.alternative!)).toBe(true);
    for (const q of ['how do I bake bread', '红烧肉怎么做', 'zzzz qqqq', '🤖']) {
      const r = explain(index, q);
      expect(r.topic, q).toBeNull();
      expect(r.suggestions, q).toHaveLength(3);
    }
  });
});

describe('explain', () => {
  it('maps every id and title, in both languages, to its entry', () => {
    for (const e of entries) {
      for (const q of [e.id, e.title.en, e.title.zh, e.title.en.toUpperCase(), `/explain ${e.id}`, `  ${e.title.zh}  `]) {
        const r = explain(index, q);
        expect(r.topic, q).toBe(e.id);
        expect(r.entry?.id).toBe(e.id);
      }
    }
    expect(explain(index, 'emergence').topic).toBe('emergence');
    expect(explain(index, '涌现').topic).toBe('emergence');
    expect(explain(index, '/explain threshold').topic).toBe('threshold');
  });

  it('treats traditional Chinese like simplified', () => {
    expect(explain(index, '湧現').topic).toBe('emergence');
    expect(explain(index, '閾值').topic).toBe('threshold');
    expect(explain(index, '為什麼16x16的蒙娜麗莎也能認出來?').topic).toBe('knowledge-compression');
    expect(explain(index, '世界模型是什麼').locale).toBe('zh');
  });

  it('recognises misspelled topic names', () => {
    for (const [q, id] of [
      ['emergense', 'emergence'],
      ['threshhold', 'threshold'],
      ['generalisaton', 'generalization'],
      ['wolrd model', 'world-model'],
    ] as const) {
      const r = explain(index, q);
      expect(r.didYouMean === id || r.topic === id, q).toBe(true);
    }
    expect(explain(index, 'emergense').didYouMean).toBe('emergence');
    // Correct words are not "corrected".
    expect(explain(index, 'zip tools').didYouMean).toBeUndefined();
  });

  it('says "not covered" with suggestions instead of guessing', () => {
    for (const q of ['what is the capital of France', '今天天气怎么样', 'how do I bake bread']) {
      const r = explain(index, q);
      expect(r.topic, q).toBeNull();
      expect(r.entry).toBeUndefined();
      expect(r.suggestions.length, q).toBeGreaterThan(0);
      for (const s of r.suggestions) expect(index.byId.has(s)).toBe(true);
    }
  });

  it('gives related topics as suggestions with an answer', () => {
    const r = explain(index, 'What is emergence?');
    expect(r.topic).toBe('emergence');
    expect(r.suggestions).not.toContain('emergence');
    expect(r.suggestions.length).toBeGreaterThan(0);
  });

  it('chooses the answer language: given locale, else the question, else English', () => {
    expect(explain(index, '什么是涌现', { locale: 'en' }).locale).toBe('en');
    expect(explain(index, 'what is emergence', { locale: 'zh' }).locale).toBe('zh');
    expect(explain(index, '什么是涌现').locale).toBe('zh');
    expect(explain(index, 'what is emergence').locale).toBe('en');
    expect(explain(index, '').locale).toBe('en');
    expect(explain(index, '🤖🤖').locale).toBe('en');
    expect(detectLocale('iPhone 15多少钱')).toBe('zh');
    expect(detectLocale('hello')).toBe('en');
    expect(detectLocale('')).toBe('en');
  });

  it('survives hostile input', () => {
    const hostile = [
      'x'.repeat(10_240),
      'emergence '.repeat(1024),
      '涌现'.repeat(5000),
      '🤖🧠💥'.repeat(1000),
      '\u0000\u0001\u0007\u001b[31m\u202e\u200b\ufeff',
      '\uE000\uE001',
      '   ',
      '?!。，、',
      '\ud800',
      null as unknown as string,
      undefined as unknown as string,
    ];
    for (const q of hostile) {
      const t0 = performance.now();
      const r = explain(index, q);
      expect(['en', 'zh']).toContain(r.locale);
      expect(Array.isArray(r.suggestions)).toBe(true);
      expect(performance.now() - t0, 'hostile query should stay cheap').toBeLessThan(500);
    }
    expect(explain(index, '\u0007emergence\u200b').topic).toBe('emergence');
  });
});

describe('autocomplete', () => {
  it('returns at most 25 bilingual choices', () => {
    for (const partial of ['', 'e', 'em', 'thr', '涌', '阈', 'mona', 'x'.repeat(10_000), '🤖']) {
      const choices = autocomplete(index, partial);
      expect(choices.length, partial).toBeLessThanOrEqual(25);
      for (const c of choices) {
        const e = index.byId.get(c.id) as KnowledgeEntry;
        expect(e, c.id).toBeDefined();
        expect(Array.from(c.label).length).toBeLessThanOrEqual(100);
        expect(c.label).toContain(e.title.en);
        expect(c.label).toContain(e.title.zh);
      }
    }
    expect(autocomplete(index, '')).toHaveLength(25);
  });

  it('puts names starting with the typed text first, in the user language first', () => {
    expect(autocomplete(index, 'emer')[0]?.id).toBe('emergence');
    expect(autocomplete(index, 'thre')[0]?.id).toBe('threshold');
    expect(autocomplete(index, '涌')[0]?.id).toBe('emergence');
    expect(autocomplete(index, '世界')[0]?.id).toBe('world-model');
    expect(autocomplete(index, 'emer')[0]?.label).toBe('Emergence · 涌现');
    expect(autocomplete(index, 'emer', 'zh')[0]?.label).toBe('涌现 · Emergence');
  });
});

describe('cli explain', () => {
  let out = '';
  afterEach(() => {
    vi.restoreAllMocks();
    out = '';
  });
  const capture = () =>
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });

  it('prints exactly one JSON line for an answer', async () => {
    capture();
    expect(await run(['--json', '为什么16x16的蒙娜丽莎也能认出来?'])).toBe(0);
    expect(out.endsWith('\n')).toBe(true);
    expect(out.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(out);
    expect(Object.keys(j).sort()).toEqual(['answer', 'locale', 'title', 'topic']);
    expect(j.topic).toBe('knowledge-compression');
    expect(j.locale).toBe('zh');
    expect(j.title).toBe('知识就是压缩');
    expect(j.answer).toContain(KNOWLEDGE_CREDIT.zh);
  });

  it('prints a null topic and the not-covered text out of scope, honouring --locale', async () => {
    capture();
    expect(await run(['--json', '--locale', 'zh', 'what', 'is', 'the', 'capital', 'of', 'France'])).toBe(0);
    const j = JSON.parse(out);
    expect(j.topic).toBeNull();
    expect(j.title).toBeNull();
    expect(j.locale).toBe('zh');
    expect(typeof j.answer).toBe('string');
  });

  it('prints readable text without --json and rejects bad usage', async () => {
    capture();
    expect(await run(['emergence'])).toBe(0);
    expect(out).toContain('Emergence');
    expect(out).toContain(KNOWLEDGE_CREDIT.en);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await run([])).toBe(2);
    expect(await run(['--locale', 'fr', 'emergence'])).toBe(2);
  });
});
