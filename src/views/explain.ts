/** /explain answers → replies. Pure. */
import type { ExplainAnswer, TopicRef } from '../core/commands/knowledge-port.ts';
import { userText, type Locale, type Reply, type ReplyButton } from '../core/reply.ts';
import type { Platform } from '../core/commands/define.ts';
import { commandMentions, pick, t } from './i18n.ts';

/** Topics whose answer offers a motion round (the built-in `motion` deck). */
export const MOTION_TOPICS: ReadonlySet<string> = new Set(['threshold', 'multiple-thresholds']);

/** A button that runs `/explain <id>` (see Dispatcher.runButton). */
export function topicButton(ref: TopicRef, locale: Locale): ReplyButton {
  return { id: `explain:topic=${encodeURIComponent(ref.id)}`, label: pick(ref.title, locale), style: 'secondary' };
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七'];

/**
 * Where in the article an entry comes from, as a sentence in the reader's language. Entries name
 * their section by the article's own headings: 引言 (the opening), 一/二/三 (its three parts) and
 * 问题一 … 问题七 (the seven questions of part two).
 */
export function sourceLine(section: string, locale: Locale): string {
  if (section === '引言') return t(locale, 'explain.source.intro');
  const question = /^问题(.)$/.exec(section);
  if (question) {
    const i = NUMERALS.indexOf(question[1]!);
    return t(locale, 'explain.source.question', { n: locale === 'zh' ? question[1]! : String(i + 1) });
  }
  const i = NUMERALS.indexOf(section);
  if (i >= 0) return t(locale, 'explain.source.part', { part: locale === 'zh' ? section : String(i + 1) });
  return t(locale, 'explain.source.intro');
}

/**
 * The reply for an answer. The short form comes first; the long one is behind "More". Either
 * fits every platform: each entry's texts are at most 2,000 characters (a test checks every
 * entry, both languages, rendered for Discord, Slack and the terminal).
 */
export function explainReply(a: ExplainAnswer, query: string, detail: 'short' | 'long', platform: Platform): Reply {
  const locale = a.locale;
  if (!a.entry) {
    const lines = [t(locale, 'explain.not-covered', { question: userText(query, 120) })];
    if (a.suggestions.length) lines.push(t(locale, 'explain.suggestions'));
    return {
      text: lines.join('\n'),
      buttons: a.suggestions.slice(0, 3).map((s) => topicButton(s, locale)),
      footer: pick(a.credit, locale),
    };
  }
  const e = a.entry;
  const alternative = a.alternative && a.alternative.id !== e.id ? a.alternative : undefined;
  const text = [
    a.didYouMean ? t(locale, 'explain.did-you-mean', { title: pick(a.didYouMean.title, locale) }) : '',
    commandMentions(platform, pick(detail === 'long' ? e.long : e.short, locale)),
    alternative ? t(locale, 'explain.alternative', { title: pick(alternative.title, locale) }) : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  const buttons: ReplyButton[] = [];
  if (detail === 'short') {
    buttons.push({ id: `explain:topic=${encodeURIComponent(e.id)}&detail=long`, label: t(locale, 'explain.more'), style: 'primary' });
  }
  // The close second comes first among the topics; the related ones fill the row.
  const topics = [...(alternative ? [alternative] : []), ...e.related.filter((r) => r.id !== alternative?.id)];
  // The thresholds lead to the article's first question (two frames show a fan waving): play it, last in the row.
  const motion = MOTION_TOPICS.has(e.id);
  for (const r of topics.slice(0, 5 - buttons.length - (motion ? 1 : 0))) buttons.push(topicButton(r, locale));
  if (motion) buttons.push({ id: 'play:deck=motion', label: t(locale, 'explain.play-motion'), style: 'primary' });
  return {
    title: pick(e.title, locale),
    text,
    images: a.demo ? [a.demo] : undefined,
    buttons,
    footer: `${sourceLine(e.section, locale)} · ${pick(a.credit, locale)}`,
  };
}
