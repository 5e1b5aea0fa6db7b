/** What /explain needs from the knowledge base. Types only: commands stay free of I/O. */
import type { Locale, ReplyImage } from '../reply.ts';
import type { I18nText } from './define.ts';

export interface TopicRef {
  id: string;
  title: I18nText;
}

export interface ExplainAnswer {
  /** Language of the answer: the platform's locale, else the question's, else English. */
  locale: Locale;
  /** The entry that answers, or null when the article doesn't cover the question. */
  entry: (TopicRef & { short: I18nText; long: I18nText; section: string; related: TopicRef[] }) | null;
  /** The query looked like a misspelled topic name. */
  didYouMean?: TopicRef;
  /** A second topic nearly as likely as the answer, offered beside it. */
  alternative?: TopicRef;
  /** Closest topics, offered when not covered. */
  suggestions: TopicRef[];
  /** The entry's demonstration picture, drawn with the ladder code. */
  demo?: ReplyImage;
  credit: I18nText;
}

export interface KnowledgePort {
  /** `locale` is the platform's locale for the user, when it gives one. */
  explain(query: string, locale?: Locale): Promise<ExplainAnswer>;
  autocomplete(partial: string, locale: Locale): { value: string; label: string }[];
}
