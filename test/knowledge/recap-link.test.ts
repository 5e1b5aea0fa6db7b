/** A round's recap links to the topic its picture illustrates, as a line and a button. */
import { describe, expect, it } from 'vitest';
import { renderReply as renderDiscord } from '../../src/adapters/discord/render.ts';
import { renderReply as renderSlack } from '../../src/adapters/slack/render.ts';
import type { RoundState } from '../../src/core/game/round.ts';
import { plainText } from '../../src/core/reply.ts';
import type { DeckItem } from '../../src/images/deck-schema.ts';
import { recapReply } from '../../src/views/game.ts';

function item(famous: boolean): DeckItem {
  return {
    id: famous ? 'mona-lisa' : 'a-bee',
    image: 'x.jpg',
    answers: { en: famous ? 'Mona Lisa' : 'Bee', zh: famous ? '蒙娜丽莎' : '蜜蜂' },
    aliases: [],
    category: { en: 'painting', zh: '油画' },
    famous,
    credit: 'test',
    licence: 'Public domain',
  } as DeckItem;
}

function round(o: { channelId: string; locale: 'en' | 'zh'; solvedStep?: number }): RoundState {
  const players: RoundState['players'] =
    o.solvedStep === undefined ? {} : { u1: { id: 'u1', name: 'Ann', countStep: o.solvedStep, guesses: 1, solvedStep: o.solvedStep, points: 3 } };
  return {
    config: { id: 'r1', channelId: o.channelId, scopeId: 'discord:1', deckId: 'd', itemId: 'i', mode: 'race', stepSeconds: 15, hostId: 'u1', locale: o.locale },
    status: 'ended',
    step: 7,
    startedAt: 0,
    deadline: null,
    players,
    firstSolverId: o.solvedStep === undefined ? null : 'u1',
    endReason: 'timeout' as RoundState['endReason'],
    endedAt: 1,
  };
}

describe('the recap links to the topic it illustrates', () => {
  it('a famous picture known at 16×16: "why so early?" and a button to knowledge as compression', () => {
    const r = recapReply(round({ channelId: 'discord:1', locale: 'en', solvedStep: 4 }), item(true), null);
    expect(plainText(r.text)).toContain('Known at 16×16');
    expect(plainText(r.text)).toContain('/explain knowledge-compression');
    expect(r.buttons).toEqual([{ id: 'explain:topic=knowledge-compression', label: 'Knowledge is compression', style: 'secondary' }]);
    const discord = renderDiscord(r);
    expect(discord.components[0]!.components[0]).toMatchObject({ custom_id: 'explain:topic=knowledge-compression', label: 'Knowledge is compression' });
  });

  it('a famous picture known only late still links knowledge as compression, without "so early"', () => {
    const r = recapReply(round({ channelId: 'discord:1', locale: 'en', solvedStep: 6 }), item(true), null);
    expect(plainText(r.text)).not.toContain('so early');
    expect(r.buttons![0]!.id).toBe('explain:topic=knowledge-compression');
  });

  it('a less-known picture links the threshold, in Chinese too, and Slack gets the button and its own /explain', () => {
    const r = recapReply(round({ channelId: 'slack:C1', locale: 'zh', solvedStep: 5 }), item(false), null);
    expect(plainText(r.text)).toContain('/explain threshold');
    expect(plainText(r.text)).not.toContain('/emergence explain');
    expect(r.buttons).toEqual([{ id: 'explain:topic=threshold', label: '阈值', style: 'secondary' }]);
    const slack = renderSlack(r);
    const actions = slack.blocks.find((b) => b.type === 'actions') as unknown as { elements: { action_id: string }[] };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['explain:topic=threshold']);
  });

  it('links the threshold when nobody knew it', () => {
    const r = recapReply(round({ channelId: 'discord:1', locale: 'en' }), item(false), null);
    expect(r.buttons![0]!.id).toBe('explain:topic=threshold');
  });
});
