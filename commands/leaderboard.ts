import { defineCommand } from '../src/core/commands/define.ts';
import type { LeaderboardScope } from '../src/core/commands/services.ts';
import type { Period } from '../src/core/leaderboard/periods.ts';
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
    {
      kind: 'choice',
      name: 'period',
      description: { en: 'This week, this month, or all time (the default)', zh: '本周、本月或全部时间（默认）' },
      choices: [
        { value: 'week', label: { en: 'this week', zh: '本周' } },
        { value: 'month', label: { en: 'this month', zh: '本月' } },
        { value: 'all', label: { en: 'all time', zh: '全部时间' } },
      ],
    },
  ],
  async run({ caller, services }, opts) {
    const scope = (opts.scope as LeaderboardScope | undefined) ?? 'server';
    const period = (opts.period as Period | undefined) ?? 'all';
    if (!services.scores.periodBoard) {
      const rows = await services.scores.leaderboard(caller, scope, 10);
      return leaderboardReply(caller, scope, rows, services.cards);
    }
    const board = await services.scores.periodBoard(caller, scope, period, 10);
    return leaderboardReply(caller, scope, board.rows, services.cards, board.range);
  },
});
