/**
 * Judge throughput: a realistic mix of guesses (exact, case and accent variants, typos, partials,
 * Chinese simplified and traditional, pinyin, wrong answers, a little hostile text) judged against
 * a few compiled answer sets. Answers are compiled once, outside the timed loop.
 */
import { compileAnswers, judge, loadPinyin, rivalKeys, type AnswerSource } from '../core/game/judge.ts';

const SOURCES: AnswerSource[] = [
  { answers: { en: 'Mona Lisa', zh: '蒙娜丽莎' }, aliases: ['La Gioconda', 'La Joconde'] },
  { answers: { en: 'The Starry Night', zh: '星月夜' }, aliases: ['Starry Night'] },
  { answers: { en: 'Girl with a Pearl Earring', zh: '戴珍珠耳环的少女' }, aliases: [] },
  { answers: { en: 'The Great Wave off Kanagawa', zh: '神奈川冲浪里' }, aliases: ['The Great Wave'] },
  { answers: { en: 'Eiffel Tower', zh: '埃菲尔铁塔' }, aliases: ['Tour Eiffel'] },
  { answers: { en: 'cat', zh: '猫' }, aliases: ['kitten', 'kitty'] },
];

const GUESSES: string[] = [
  'mona lisa', 'MONA LISA', 'the mona lisa', 'Moná Lísa', 'mona lsa', 'lisa', 'monalisa',
  'starry night', 'stary nite', 'starry', 'van gogh', 'sunflowers',
  'pearl earring', 'girl with the pearl earing', 'vermeer',
  'great wave', 'the wave', 'hokusai', 'kanagawa wave',
  'eiffel tower', 'eifel tower', 'tower', 'paris',
  'cat', 'dog', 'a cat', 'kitty cat',
  '蒙娜丽莎', '蒙娜麗莎', '丽莎', '星月夜', '神奈川衝浪裏', '埃菲尔铁塔', '猫', '狗', '铁塔',
  'meng na li sha', 'xing4 yue4 ye4', 'aifeiertieta', 'mao',
  "it's the mona lisa!", 'is it the scream?', '@everyone', '🎨🖼️', 'mo\u200bna lisa', '\u202easil anom',
  'i have no idea what this is honestly', '',
];

export interface BenchJudgeOptions {
  /** Wall time to run for, in milliseconds (default 1000). */
  durationMs?: number;
}

export async function benchJudge(opts: BenchJudgeOptions = {}): Promise<Record<string, number>> {
  await loadPinyin();
  const durationMs = opts.durationMs ?? 1000;
  const rivals = rivalKeys(SOURCES);
  const compiled = SOURCES.map((s) => compileAnswers(s, { rivals }));
  let sink = 0;
  // Warm up the JIT.
  for (let i = 0; i < 20000; i++) {
    if (judge(GUESSES[i % GUESSES.length], compiled[i % compiled.length]) === 'correct') sink++;
  }
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let k = 0; k < 1000; k++, n++) {
      if (judge(GUESSES[n % GUESSES.length], compiled[(n * 7) % compiled.length]) === 'correct') sink++;
    }
    elapsed = performance.now() - start;
  }
  if (sink < 0) throw new Error('unreachable');
  return { judge_per_s: Math.round((n / elapsed) * 1000), judge_hostile_per_s: hostileRate(compiled[0]!, durationMs) };
}

/** 10 KB guesses of one letter, of Chinese, of words and of zero-width spaces: the judge caps them early. */
const TEN_KB = 10 * 1024;
const HOSTILE = ['x'.repeat(TEN_KB), '蒙'.repeat(TEN_KB), 'a b '.repeat(TEN_KB / 4), '\u200b'.repeat(TEN_KB)];

function hostileRate(compiled: ReturnType<typeof compileAnswers>, durationMs: number): number {
  let n = 0;
  let wrong = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs / 2) {
    for (let k = 0; k < 40; k++, n++) if (judge(HOSTILE[n % HOSTILE.length]!, compiled) === 'wrong') wrong++;
    elapsed = performance.now() - start;
  }
  if (wrong !== n) throw new Error('a hostile guess was judged right');
  return Math.round((n / elapsed) * 1000);
}
