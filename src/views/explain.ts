/** /explain answers → replies. Pure. */
import type { ExplainAnswer, TopicRef } from '../core/commands/knowledge-port.ts';
import { userText, type Locale, type Reply, type ReplyButton } from '../core/reply.ts';
import type { Platform } from '../core/commands/define.ts';
import { commandMentions, pick, t } from './i18n.ts';

/** A button that runs `/explain <id>` (see Dispatcher.runButton). */
function topicButton(ref: TopicRef, locale: Locale): ReplyButton {
  return { id: `explain:topic=${encodeURIComponent(ref.id)}`, label: pick(ref.title, locale), style: 'secondary' };
}

export function explainReply(a: ExplainAnswer, query: string, detail: 'short' | 'long', platform: Platform): Reply {
  const locale = a.locale;
  if (!a.entry) {
    const lines = [t(locale, 'explain.not-covered', { question: userText(query, 120) })];
    if (a.suggestions.length) lines.push(t(locale, 'explain.suggestions'));
    return {
      text: lines.join('\n'),
      buttons: a.suggestions.slice(0, 5).map((s) => topicButton(s, locale)),
      footer: pick(a.credit, locale),
    };
  }
  const e = a.entry;
  const text = [
    a.didYouMean ? t(locale, 'explain.did-you-mean', { title: pick(a.didYouMean.title, locale) }) : '',
    commandMentions(platform, pick(detail === 'long' ? e.long : e.short, locale)),
  ]
    .filter(Boolean)
    .join('\n\n');
  const buttons: ReplyButton[] = [];
  if (detail === 'short') {
    buttons.push({ id: `explain:topic=${encodeURIComponent(e.id)}&detail=long`, label: t(locale, 'explain.more'), style: 'primary' });
  }
  for (const r of e.related.slice(0, detail === 'short' ? 4 : 5)) buttons.push(topicButton(r, locale));
  return {
    title: pick(e.title, locale),
    text,
    images: a.demo ? [a.demo] : undefined,
    buttons,
    footer: `${t(locale, 'explain.section', { section: e.section })} · ${pick(a.credit, locale)}`,
  };
}
