import { defineCommand } from '../src/core/commands/define.ts';
import { t } from '../src/views/i18n.ts';

export default defineCommand({
  name: 'stop',
  host: true,
  description: { en: 'Host: end the round and reveal the answer', zh: '主持人：结束本局并揭晓答案' },
  options: [],
  async run({ caller, services }) {
    await services.game.stop(caller);
    return { text: t(caller.locale, 'stop.done'), ephemeral: true };
  },
});
