import { defineCommand } from '../src/core/commands/define.ts';
import { guessReply } from '../src/views/game.ts';

export default defineCommand({
  name: 'guess',
  description: { en: 'Guess what the picture shows', zh: '猜猜图片上是什么' },
  options: [
    {
      kind: 'string',
      name: 'answer',
      required: true,
      rest: true,
      maxLength: 300,
      description: { en: 'Your answer, in English, Chinese or pinyin', zh: '你的答案：中文、英文或拼音都可以' },
    },
  ],
  async run({ caller, services, report }, opts) {
    const outcome = await services.game.guess(caller, String(opts.answer));
    report?.({ kind: 'guess', guess: outcome });
    return guessReply(caller.locale, outcome);
  },
});
