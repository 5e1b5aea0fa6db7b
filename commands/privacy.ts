import { defineCommand } from '../src/core/commands/define.ts';
import { UserError } from '../src/core/errors.ts';
import { forgetRequestReply, forgottenReply, privacyInfoReply } from '../src/views/stats.ts';

/**
 * `/privacy`: what the bot keeps about you. `/privacy forget-me`: a warning and a one-time code;
 * `/privacy forget-me confirm:<code>` (or the warning's button) then deletes your guesses and scores
 * everywhere. Only the same player, with the code just given to them, can confirm.
 */
export default defineCommand({
  name: 'privacy',
  description: { en: 'What the bot keeps about you; forget-me deletes it everywhere', zh: '机器人保存了你的哪些数据；forget-me 在所有地方删除' },
  options: [
    {
      kind: 'choice',
      name: 'action',
      description: { en: 'info (what is kept) or forget-me (delete it all)', zh: 'info（保存了什么）或 forget-me（全部删除）' },
      choices: [
        { value: 'info', label: { en: 'info', zh: '查看' } },
        { value: 'forget-me', label: { en: 'forget-me', zh: '删除我的数据' } },
      ],
    },
    {
      kind: 'string',
      name: 'confirm',
      maxLength: 32,
      description: { en: 'The confirmation code /privacy forget-me gave you', zh: '/privacy forget-me 给你的确认码' },
    },
  ],
  async run({ caller, services }, opts) {
    const privacy = services.privacy;
    if (!privacy) throw new UserError('stats-unavailable');
    if (opts.action !== 'forget-me') return privacyInfoReply(caller, await privacy.counts(caller));
    const code = (opts.confirm as string | undefined)?.trim();
    if (!code) return forgetRequestReply(caller, await privacy.requestForget(caller));
    return forgottenReply(caller, await privacy.confirmForget(caller, code));
  },
});
