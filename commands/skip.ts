import { defineCommand } from '../src/core/commands/define.ts';
import { t } from '../src/views/i18n.ts';

export default defineCommand({
  name: 'skip',
  host: true,
  description: { en: 'Host: reveal the next step now', zh: '主持人：立即显示下一步' },
  options: [],
  async run({ caller, services }) {
    await services.game.skip(caller);
    return { text: t(caller.locale, 'skip.done'), ephemeral: true };
  },
});
