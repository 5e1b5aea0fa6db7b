/**
 * Every /explain answer fits every platform, for every entry, in both languages, short and
 * long: rendered with the real Discord and Slack renderers and checked against the platforms'
 * limits, with nothing cut. The worst case is built: a "did you mean" line, a close second
 * topic and every related button.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, discordText, renderReply as renderDiscord } from '../../src/adapters/discord/render.ts';
import { mrkdwn, renderReply as renderSlack } from '../../src/adapters/slack/render.ts';
import type { ExplainAnswer, TopicRef } from '../../src/core/commands/knowledge-port.ts';
import type { Platform } from '../../src/core/commands/define.ts';
import { KNOWLEDGE_CREDIT } from '../../src/core/knowledge/index.ts';
import { plainText, type Locale, type Reply } from '../../src/core/reply.ts';
import { loadKnowledge } from '../../src/knowledge/load.ts';
import { SECTIONS, type KnowledgeEntry } from '../../src/knowledge/schema.ts';
import { explainReply, sourceLine } from '../../src/views/explain.ts';

/** A plain chat message (Discord content, and what a terminal shows as one message). */
const PLAIN_MAX = 2000;
/** Discord: the sum of an embed's title, description, field names and values, footer. */
const EMBED_TOTAL = 6000;
/** Slack: a section's text, a header, a button's text, blocks per message. */
const SLACK = { section: 3000, header: 150, button: 75, actionId: 255, blocks: 50, actions: 25 };

let entries: KnowledgeEntry[];
beforeAll(async () => {
  entries = await loadKnowledge();
});

const ref = (e: KnowledgeEntry): TopicRef => ({ id: e.id, title: e.title });

function worstCase(e: KnowledgeEntry, locale: Locale): ExplainAnswer {
  const byId = new Map(entries.map((x) => [x.id, x]));
  const other = entries.find((x) => x.id !== e.id && !e.related.includes(x.id))!;
  return {
    locale,
    entry: { ...ref(e), short: e.short, long: e.long, section: e.section, related: e.related.map((id) => ref(byId.get(id)!)) },
    didYouMean: ref(e),
    alternative: ref(other),
    suggestions: [],
    credit: KNOWLEDGE_CREDIT,
  };
}

function replies(): { name: string; reply: Reply; platform: Platform }[] {
  const out: { name: string; reply: Reply; platform: Platform }[] = [];
  for (const e of entries) {
    for (const locale of ['en', 'zh'] as const) {
      for (const detail of ['short', 'long'] as const) {
        for (const platform of ['discord', 'slack', 'terminal'] as const) {
          out.push({ name: `${e.id} ${locale} ${detail} ${platform}`, platform, reply: explainReply(worstCase(e, locale), e.id, detail, platform) });
        }
      }
    }
  }
  return out;
}

describe('every /explain answer fits every platform', () => {
  it('has at most 2,000 characters of text, so it also fits a plain message', () => {
    for (const { name, reply } of replies()) {
      expect(Array.from(plainText(reply.text)).length, name).toBeLessThanOrEqual(PLAIN_MAX);
      expect(Array.from(discordText(reply.text)).length, name).toBeLessThanOrEqual(PLAIN_MAX);
    }
  });

  it('Discord: one embed within its limits, nothing cut, buttons within theirs', () => {
    for (const { name, reply } of replies().filter((r) => r.platform === 'discord')) {
      const p = renderDiscord(reply);
      expect(p.embeds, name).toHaveLength(1);
      const embed = p.embeds[0]!;
      expect(embed.title, name).toBe(discordText(reply.title!));
      expect(embed.description, name).toBe(discordText(reply.text));
      expect(embed.footer?.text, name).toBe(plainText(reply.footer!));
      const title = embed.title ?? '';
      const description = embed.description ?? '';
      const footer = embed.footer?.text ?? '';
      expect(title.length, name).toBeLessThanOrEqual(LIMITS.title);
      expect(description.length, name).toBeLessThanOrEqual(LIMITS.description);
      expect(footer.length, name).toBeLessThanOrEqual(LIMITS.footer);
      expect(title.length + description.length + footer.length, name).toBeLessThanOrEqual(EMBED_TOTAL);
      const buttons = p.components.flatMap((row) => row.components);
      expect(buttons.length, name).toBe(reply.buttons!.length);
      expect(p.components.length, name).toBeLessThanOrEqual(LIMITS.rows);
      for (const b of buttons) {
        expect(b.custom_id.length, name).toBeLessThanOrEqual(LIMITS.customId);
        expect(b.label.length, name).toBeLessThanOrEqual(LIMITS.buttonLabel);
        expect(b.label.endsWith('…'), `${name}: ${b.label}`).toBe(false);
      }
      expect(new Set(buttons.map((b) => b.custom_id)).size, `${name}: button ids are unique`).toBe(buttons.length);
    }
  });

  it('Slack: blocks within their limits, nothing cut, buttons within theirs', () => {
    for (const { name, reply } of replies().filter((r) => r.platform === 'slack')) {
      const m = renderSlack(reply);
      expect(m.blocks.length, name).toBeLessThanOrEqual(SLACK.blocks);
      const header = m.blocks.find((b) => b.type === 'header') as unknown as { text: { text: string } };
      expect(header.text.text, name).toBe(plainText(reply.title!));
      expect(header.text.text.length, name).toBeLessThanOrEqual(SLACK.header);
      const sections = m.blocks.filter((b) => b.type === 'section') as unknown as { text: { text: string } }[];
      for (const s of sections) expect(s.text.text.length, name).toBeLessThanOrEqual(SLACK.section);
      // The whole text arrives: one section (no split was needed), equal to the reply's text.
      expect(sections.map((s) => s.text.text).join('\n'), name).toBe(mrkdwn(reply.text));
      const actions = m.blocks.find((b) => b.type === 'actions') as unknown as { elements: { action_id: string; text: { text: string } }[] };
      expect(actions.elements.length, name).toBe(reply.buttons!.length);
      expect(actions.elements.length, name).toBeLessThanOrEqual(SLACK.actions);
      for (const b of actions.elements) {
        expect(b.action_id.length, name).toBeLessThanOrEqual(SLACK.actionId);
        expect(b.text.text.length, name).toBeLessThanOrEqual(SLACK.button);
        expect(b.text.text.endsWith('…'), `${name}: ${b.text.text}`).toBe(false);
      }
      expect(new Set(actions.elements.map((b) => b.action_id)).size, `${name}: action ids are unique`).toBe(actions.elements.length);
    }
  });

  it('puts the long form behind More, and the close second first among the topics', () => {
    for (const e of entries) {
      const short = explainReply(worstCase(e, 'en'), e.id, 'short', 'discord');
      expect(short.text, e.id).toContain(e.short.en);
      expect(short.text, e.id).not.toContain(e.long.en);
      expect(short.buttons![0]!.id, e.id).toBe(`explain:topic=${e.id}&detail=long`);
      const alternative = worstCase(e, 'en').alternative!;
      expect(short.buttons![1]!.id, e.id).toBe(`explain:topic=${alternative.id}`);
      const long = explainReply(worstCase(e, 'en'), e.id, 'long', 'discord');
      expect(long.text, e.id).toContain(e.long.en);
      expect(long.buttons!.some((b) => b.id.endsWith('detail=long')), e.id).toBe(false);
    }
  });
});

describe('the source line', () => {
  it('reads naturally in both languages for every section', () => {
    const lines = SECTIONS.map((s) => ({ s, en: sourceLine(s, 'en'), zh: sourceLine(s, 'zh') }));
    for (const { s, en, zh } of lines) {
      expect(en, s).not.toMatch(/\p{Script=Han}/u);
      expect(zh, s).not.toMatch(/第 |问题.+部分/);
      expect(zh, s).toMatch(/^出处/);
    }
    expect(sourceLine('问题一', 'en')).toBe('Source: the article, part 2, question 1');
    expect(sourceLine('问题一', 'zh')).toBe('出处：原文第二部分·问题一');
    expect(sourceLine('一', 'en')).toBe('Source: the article, part 1');
    expect(sourceLine('三', 'zh')).toBe('出处：原文第三部分');
    expect(sourceLine('引言', 'en')).toBe("Source: the article's opening");
  });
});
