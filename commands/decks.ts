import { defineCommand } from '../src/core/commands/define.ts';
import { decksReply } from '../src/views/misc.ts';

export default defineCommand({
  name: 'decks',
  description: { en: 'List the picture decks', zh: '列出所有图库' },
  options: [],
  async run({ caller, services }) {
    return decksReply(caller, services.decks.list());
  },
});
