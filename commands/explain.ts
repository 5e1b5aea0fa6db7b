import { defineCommand } from '../src/core/commands/define.ts';
import { UserError } from '../src/core/errors.ts';
import { explainReply } from '../src/views/explain.ts';

export default defineCommand({
  name: 'explain',
  description: {
    en: 'Ask about the ideas behind the game: emergence, thresholds, knowledge as compression…',
    zh: '了解游戏背后的概念：涌现、阈值、知识即压缩……',
  },
  options: [
    {
      kind: 'string',
      name: 'topic',
      required: true,
      rest: true,
      autocomplete: true,
      maxLength: 300,
      description: { en: 'A topic or a question, in English or Chinese', zh: '一个话题或问题，中文英文皆可' },
    },
    {
      kind: 'choice',
      name: 'detail',
      description: { en: 'short answer (default) or the long explanation', zh: '简短回答（默认）或详细解释' },
      choices: [
        { value: 'short', label: { en: 'short', zh: '简短' } },
        { value: 'long', label: { en: 'long', zh: '详细' } },
      ],
    },
  ],
  async run({ caller, services }, opts) {
    const query = String(opts.topic);
    const knowledge = services.knowledge;
    if (!knowledge) throw new UserError('knowledge-missing');
    // The platform's locale wins; where it is only a guess, the question's language decides.
    const answer = await knowledge.explain(query, caller.localeKnown === false ? undefined : caller.locale);
    return explainReply(answer, query, opts.detail === 'long' ? 'long' : 'short', caller.platform);
  },
  async autocomplete({ caller, services }, _option, partial) {
    return services.knowledge?.autocomplete(partial, caller.locale) ?? [];
  },
});
