import { z } from 'zod';

/**
 * One knowledge-base entry (`assets/knowledge/<id>.json`). Every text is written in
 * our own words from the article "AI的'智能涌现',对你意味着什么?" (文君, MindCode);
 * answers carry the shared credit line from `src/core/knowledge/credit.ts`.
 */

const text = z.string().trim().min(1, 'must not be empty');
const bilingual = z.object({ en: text, zh: text }).strict();
const terms = z.object({ en: z.array(text), zh: z.array(text) }).strict();

/**
 * The article's own headings: its three numbered parts (一 图片实验, 二 …是一回事,
 * 三 总结) and the seven questions of part two. The untitled opening before part one
 * is `引言`.
 */
export const SECTIONS = [
  '引言',
  '一',
  '二',
  '问题一',
  '问题二',
  '问题三',
  '问题四',
  '问题五',
  '问题六',
  '问题七',
  '三',
] as const;

/** Demonstration pictures that the chat command can attach to an answer. */
export const DEMOS = ['mona-lisa-strip', 'famous-vs-unknown-16', 'step-32', 'fan-two-frames'] as const;

export const KnowledgeEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lowercase letters, digits and single dashes'),
    title: bilingual,
    short: bilingual,
    long: bilingual,
    keywords: terms,
    aliases: terms,
    /** Typical ways people ask for this entry, in both languages; searched with their own weight. */
    questions: terms,
    /** The entry explains a cause: a "why" question prefers it. */
    cause: z.boolean().optional(),
    related: z.array(z.string().min(1)),
    section: z.enum(SECTIONS),
    demo: z.enum(DEMOS).optional(),
  })
  .strict();

export type KnowledgeEntry = z.infer<typeof KnowledgeEntrySchema>;
export type KnowledgeSection = (typeof SECTIONS)[number];
export type KnowledgeDemo = (typeof DEMOS)[number];

/** Ids that the game and its commands rely on; the loader's tests check they exist. */
export const REQUIRED_IDS = [
  'emergence',
  'picture-experiment',
  'threshold',
  'scale-not-size',
  'micro-macro',
  'dimension-reduction',
  'multiple-thresholds',
  'capability-ceiling',
  'perception-limit',
  'knowledge-compression',
  'intelligence',
  'generalization',
  'compression-software',
  'loss',
  'openai',
  'bitter-lesson',
  'world-model',
  'scale-not-sufficient',
  'observer',
  'rlhf',
  'builders-advice',
  'about',
  'game',
] as const;
