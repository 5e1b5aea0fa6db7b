/**
 * The knowledge base behind /explain: loaded and checked at start (a broken entry stops the bot
 * there), indexed on the first question or autocomplete, then pure look-ups. The index (and the
 * Chinese conversion tables it needs) is megabytes that a bot nobody asks does not pay for.
 */
import type { Logger } from 'pino';
import type { ExplainAnswer, KnowledgePort, TopicRef } from '../core/commands/knowledge-port.ts';
import { KNOWLEDGE_CREDIT, autocomplete, createKnowledgeIndex, explain, type KnowledgeIndex } from '../core/knowledge/index.ts';
import type { Locale } from '../core/reply.ts';
import type { DeckCatalog } from '../images/decks.ts';
import type { LadderCache } from '../images/ladder-cache.ts';
import { Demos } from './demos.ts';
import { loadKnowledge } from './load.ts';
import type { KnowledgeEntry } from './schema.ts';

export class KnowledgeService implements KnowledgePort {
  private built?: KnowledgeIndex;

  private constructor(
    private readonly entries: KnowledgeEntry[],
    private readonly demos: Demos,
    private readonly log?: Logger,
  ) {}

  static async create(o: { decks: DeckCatalog; ladders: LadderCache; dir?: string; log?: Logger }): Promise<KnowledgeService> {
    const entries = await loadKnowledge(o.dir);
    return new KnowledgeService(entries, new Demos(o.decks, o.ladders), o.log);
  }

  private get index(): KnowledgeIndex {
    return (this.built ??= createKnowledgeIndex(this.entries));
  }

  async explain(query: string, locale?: Locale): Promise<ExplainAnswer> {
    const r = explain(this.index, query, { locale });
    const ref = (id: string): TopicRef | undefined => {
      const e = this.index.byId.get(id);
      return e ? { id: e.id, title: e.title } : undefined;
    };
    const refs = (ids: string[]) => ids.map(ref).filter((x): x is TopicRef => x !== undefined);
    const entry = r.entry ? this.describe(r.entry, refs) : null;
    let demo: ExplainAnswer['demo'];
    if (r.entry?.demo) {
      // A missing picture must not cost the answer.
      demo = await this.demos.get(r.entry.demo).catch((err: unknown) => {
        this.log?.warn({ err, demo: r.entry?.demo }, 'demonstration picture failed');
        return undefined;
      });
    }
    return {
      locale: r.locale,
      entry,
      didYouMean: r.didYouMean ? ref(r.didYouMean) : undefined,
      alternative: r.alternative ? ref(r.alternative) : undefined,
      suggestions: entry ? [] : refs(r.suggestions),
      demo,
      credit: KNOWLEDGE_CREDIT,
    };
  }

  autocomplete(partial: string, locale: Locale) {
    return autocomplete(this.index, partial, locale).map((s) => ({ value: s.id, label: s.label }));
  }

  private describe(e: KnowledgeEntry, refs: (ids: string[]) => TopicRef[]) {
    return { id: e.id, title: e.title, short: e.short, long: e.long, section: e.section, related: refs(e.related) };
  }
}
