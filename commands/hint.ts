import { defineCommand } from '../src/core/commands/define.ts';
import { hintReply } from '../src/views/game.ts';

export default defineCommand({
  name: 'hint',
  description: { en: "Show the picture's category", zh: '显示图片的类别' },
  options: [],
  async run({ caller, services }) {
    return hintReply(caller.locale, await services.game.hint(caller));
  },
});
