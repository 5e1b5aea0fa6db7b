import { defineCommand } from '../src/core/commands/define.ts';
import { helpReply } from '../src/views/misc.ts';
import { commandList } from './list.ts';

export default defineCommand({
  name: 'help',
  description: { en: 'How to play', zh: '玩法说明' },
  options: [],
  async run({ caller }) {
    return helpReply(caller, commandList());
  },
});
