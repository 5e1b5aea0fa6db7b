import { defineCommand } from '../src/core/commands/define.ts';
import { UserError } from '../src/core/errors.ts';
import {
  deckStatsReply,
  knowledgeReply,
  personalStatsReply,
  pictureStatsReply,
  serverStatsReply,
} from '../src/views/stats.ts';

type View = 'picture' | 'deck' | 'me' | 'server' | 'knowledge';

const VIEW_WORD = {
  picture: { en: 'picture', zh: '图片' },
  deck: { en: 'deck', zh: '图库' },
} as const;

export default defineCommand({
  name: 'stats',
  description: { en: 'Emergence measured from real play: curves, thresholds, you vs everyone', zh: '从真实对局测量涌现：曲线、阈值、你和大家的比较' },
  options: [
    {
      kind: 'choice',
      name: 'view',
      description: {
        en: 'picture, deck, me, server, or knowledge (famous vs less known, flags vs paintings)',
        zh: '图片、图库、我、服务器，或知识效应（名作与冷门、国旗与绘画）',
      },
      choices: [
        { value: 'picture', label: { en: 'picture', zh: '图片' } },
        { value: 'deck', label: { en: 'deck', zh: '图库' } },
        { value: 'me', label: { en: 'me', zh: '我' } },
        { value: 'server', label: { en: 'server', zh: '服务器' } },
        { value: 'knowledge', label: { en: 'knowledge effect', zh: '知识效应' } },
      ],
    },
    {
      kind: 'string',
      name: 'target',
      autocomplete: true,
      maxLength: 100,
      description: { en: 'The picture (e.g. mona-lisa) or the deck (e.g. flags)', zh: '图片（如 mona-lisa）或图库（如 flags）' },
    },
  ],
  async run({ caller, services }, opts) {
    const stats = services.stats;
    if (!stats) throw new UserError('stats-unavailable');
    const view = (opts.view as View | undefined) ?? 'knowledge';
    const target = (opts.target as string | undefined)?.trim();
    const locale = caller.locale;
    switch (view) {
      case 'picture':
        if (!target) throw new UserError('stats-need-target', { view: VIEW_WORD.picture[locale], example: 'picture mona-lisa' });
        return pictureStatsReply(caller, await stats.picture(caller, target), services.charts);
      case 'deck':
        if (!target) throw new UserError('stats-need-target', { view: VIEW_WORD.deck[locale], example: 'deck masterpieces' });
        return deckStatsReply(caller, await stats.deck(caller, target));
      case 'me':
        return personalStatsReply(caller, await stats.me(caller));
      case 'server':
        return serverStatsReply(caller, await stats.server(caller));
      case 'knowledge':
        return knowledgeReply(caller, await stats.knowledge(caller), services.charts);
    }
  },
  async autocomplete({ caller, services }, option, partial) {
    if (option !== 'target' || !services.stats) return [];
    return services.stats.targets(caller, partial);
  },
});
