import { defineCommand } from '../src/core/commands/define.ts';
import { UserError } from '../src/core/errors.ts';
import { dailyReply, dailyShareReply, dailyStatsReply } from '../src/views/daily.ts';

const ACTIONS = ['play', 'stats', 'next', 'guess', 'share'] as const;
type Action = (typeof ACTIONS)[number];

export default defineCommand({
  name: 'daily',
  description: { en: "Today's picture: the same for everyone, played privately at your own pace", zh: '每日图片：人人相同，按自己的节奏私下挑战' },
  options: [
    {
      kind: 'choice',
      name: 'action',
      subcommand: true,
      description: { en: 'play (the default), stats, next, guess or share', zh: '开始（默认）、统计、下一步、猜或分享' },
      choices: [
        {
          value: 'play',
          label: { en: 'play', zh: '开始' },
          description: { en: "Play today's picture, step by step, privately", zh: '私下一步步挑战今天的图片' },
        },
        {
          value: 'stats',
          label: { en: 'stats', zh: '统计' },
          description: { en: "This server's curve for today's picture, and your streak", zh: '本服务器今天的涌现曲线，以及你的连续天数' },
        },
        // The text form's buttons (Discord has real buttons for these).
        { value: 'next', label: { en: 'next step', zh: '下一步' }, textOnly: true },
        { value: 'guess', label: { en: 'guess', zh: '猜' }, textOnly: true },
        { value: 'share', label: { en: 'share', zh: '分享' }, textOnly: true },
      ],
    },
    {
      kind: 'string',
      name: 'answer',
      rest: true,
      maxLength: 300,
      subcommands: [],
      description: { en: 'Your guess (with guess)', zh: '你的答案（配合 guess）' },
    },
  ],
  async run({ caller, services }, opts) {
    const daily = services.daily;
    if (!daily) throw new UserError('daily-unavailable');
    let action = opts.action as Action | undefined;
    let answer = (opts.answer as string | undefined)?.trim() ?? '';
    // The text form puts everything after `/daily` into the answer: `/daily next`, `/daily guess mona lisa`.
    if (!action) {
      const [word = '', ...more] = answer.split(/\s+/);
      if ((ACTIONS as readonly string[]).includes(word.toLowerCase())) {
        action = word.toLowerCase() as Action;
        answer = more.join(' ');
      }
    }
    switch (action ?? 'play') {
      case 'play':
        return dailyReply(caller, await daily.play(caller));
      case 'next':
        return dailyReply(caller, await daily.next(caller));
      case 'guess':
        if (!answer) throw new UserError('daily-empty-guess');
        return dailyReply(caller, await daily.guess(caller, answer));
      case 'share':
        return dailyShareReply(caller, caller.userName, await daily.share(caller));
      case 'stats':
        return dailyStatsReply(caller, await daily.stats(caller), services.charts);
    }
  },
});
