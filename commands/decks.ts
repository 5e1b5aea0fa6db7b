import { defineCommand } from '../src/core/commands/define.ts';
import { decksReply } from '../src/views/misc.ts';

export default defineCommand({
  name: 'decks',
  description: { en: 'List the picture decks', zh: '列出所有图库' },
  options: [],
  async run({ caller, services }) {
    // The server's own decks follow the built-in ones; they are looked up in the caller's server only.
    const own = services.serverDecks ? (await services.serverDecks.list(caller)).decks : [];
    return decksReply(caller, services.decks.list(), own);
  },
});
