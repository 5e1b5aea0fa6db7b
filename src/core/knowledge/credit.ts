import type { Locale } from '../reply.ts';

/**
 * The shared credit line shown with every knowledge-base answer. The entries are our
 * own wording; the facts and examples come from this article.
 */
export const KNOWLEDGE_CREDIT: Readonly<Record<Locale, string>> = {
  en: 'From “AI的‘智能涌现’,对你意味着什么?” by 文君 (MindCode), retold in our own words.',
  zh: '内容依据文君《AI的“智能涌现”,对你意味着什么?》(公众号MindCode),由我们用自己的话写成。',
};
