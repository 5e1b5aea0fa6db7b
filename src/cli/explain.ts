/**
 * `npm run --silent cli -- explain [--json] [--long] [--locale zh|en] <question…>`
 *
 * With --json it prints exactly one line:
 *   {"topic": "<id>" | null, "title": string | null, "answer": string, "locale": "zh" | "en"}
 * `title` and `answer` are in the answer's locale. The answer is the entry's short
 * text followed by the credit line. Out of scope, `topic` and `title` are null and
 * `answer` is the "not covered" text naming the closest topics, so a caller can show
 * it as is. Exit code 0 either way; 2 for a usage error.
 */
import {
  createKnowledgeIndex,
  explain,
  KNOWLEDGE_CREDIT,
  type ExplainResult,
  type KnowledgeIndex,
  type Locale,
} from '../core/knowledge/index.ts';
import { loadKnowledge } from '../knowledge/load.ts';
import { out, err } from './output.ts';

const USAGE = 'usage: npm run --silent cli -- explain [--json] [--long] [--locale zh|en] <question>\n';

const TEXT = {
  en: {
    notCovered: 'The article does not cover that.',
    closest: (list: string) => `Closest topics: ${list}.`,
    didYouMean: 'Showing results for',
    related: 'Related',
    listSep: ', ',
    gap: ' ',
  },
  zh: {
    notCovered: '这篇文章没有讲到这个问题。',
    closest: (list: string) => `最接近的话题:${list}。`,
    didYouMean: '已为你显示',
    related: '相关话题',
    listSep: '、',
    gap: '',
  },
} as const;

function titlesOf(index: KnowledgeIndex, ids: string[], locale: Locale): string {
  return ids
    .map((id) => index.byId.get(id)?.title[locale])
    .filter((t): t is string => Boolean(t))
    .join(TEXT[locale].listSep);
}

function compose(index: KnowledgeIndex, r: ExplainResult, long: boolean): { title: string | null; answer: string } {
  const t = TEXT[r.locale];
  if (!r.entry) {
    const closest = titlesOf(index, r.suggestions, r.locale);
    return { title: null, answer: closest ? t.notCovered + t.gap + t.closest(closest) : t.notCovered };
  }
  const body = long ? r.entry.long[r.locale] : r.entry.short[r.locale];
  return { title: r.entry.title[r.locale], answer: `${body}\n\n${KNOWLEDGE_CREDIT[r.locale]}` };
}

export async function run(argv: string[]): Promise<number> {
  let json = false;
  let long = false;
  let locale: Locale | undefined;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (a === '--json') json = true;
    else if (a === '--long') long = true;
    else if (a === '--locale' || a.startsWith('--locale=')) {
      const v = a.includes('=') ? a.slice('--locale='.length) : argv[++i];
      if (v !== 'en' && v !== 'zh') {
        err(`--locale must be zh or en\n${USAGE}`);
        return 2;
      }
      locale = v;
    } else if (a === '--help' || a === '-h') {
      out(USAGE);
      return 0;
    } else words.push(a);
  }
  const question = words.join(' ').trim();
  if (!question) {
    err(USAGE);
    return 2;
  }

  const index = createKnowledgeIndex(await loadKnowledge());
  const r = explain(index, question, locale ? { locale } : {});
  const { title, answer } = compose(index, r, long);

  if (json) {
    out(JSON.stringify({ topic: r.topic, title, answer, locale: r.locale }) + '\n');
    return 0;
  }
  const t = TEXT[r.locale];
  const lines: string[] = [];
  if (r.didYouMean && title) lines.push(`(${t.didYouMean}: ${title})`);
  if (title) lines.push(title, '='.repeat(Math.min(60, Array.from(title).length * (r.locale === 'zh' ? 2 : 1))));
  lines.push(answer);
  if (r.entry && r.suggestions.length > 0) lines.push('', `${t.related}: ${titlesOf(index, r.suggestions, r.locale)}`);
  out(lines.join('\n') + '\n');
  return 0;
}
