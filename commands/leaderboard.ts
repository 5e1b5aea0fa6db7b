import { defineCommand } from '../src/core/commands/define.ts';
import type { LeaderboardScope } from '../src/core/commands/services.ts';
import { leaderboardReply } from '../src/views/misc.ts';

export default defineCommand({
  name: 'leaderboard',
  description: { en: 'Show the top players', zh: '查看排行榜' },
  options: [
    {
      kind: 'choice',
      name: 'scope',
      description: { en: 'This channel, this server, or everywhere', zh: '本频道、本服务器或全部' },
      choices: [
        { value: 'channel', label: { en: 'channel', zh: '频道' } },
        { value: 'server', label: { en: 'server', zh: '服务器' } },
        { value: 'global', label: { en: 'everywhere', zh: '全部' } },
      ],
    },
  ],
  async run({ caller, services }, opts) {
    const scope = (opts.scope as LeaderboardScope | undefined) ?? 'server';
    const rows = await services.scores.leaderboard(caller, scope, 10);
    return leaderboardReply(caller, scope, rows, services.cards);
  },
});
