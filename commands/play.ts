import { defineCommand } from '../src/core/commands/define.ts';
import { UserError } from '../src/core/errors.ts';
import { MAX_STEP_SECONDS, MIN_STEP_SECONDS, type Mode } from '../src/core/game/round.ts';
import { playReply } from '../src/views/game.ts';

export default defineCommand({
  name: 'play',
  description: { en: 'Start a round: a picture sharpens step by step, guess it first', zh: '开始一局：图片一步步变清晰，抢先猜出它' },
  options: [
    { kind: 'string', name: 'deck', description: { en: 'Deck to draw from (see /decks)', zh: '从哪个图库出题（见 /decks）' } },
    {
      kind: 'choice',
      name: 'mode',
      description: { en: 'race (first right answer wins) or experiment (private guesses)', zh: '竞速（先猜对者胜）或实验（猜测不公开）' },
      choices: [
        { value: 'race', label: { en: 'race', zh: '竞速' } },
        { value: 'experiment', label: { en: 'experiment', zh: '实验' } },
      ],
    },
    { kind: 'string', name: 'item', hostOnly: true, description: { en: 'Host: pick the picture by id', zh: '主持人：按编号指定图片' } },
    {
      kind: 'integer',
      name: 'step-seconds',
      hostOnly: true,
      min: MIN_STEP_SECONDS,
      max: MAX_STEP_SECONDS,
      description: { en: `Host: seconds per step (${MIN_STEP_SECONDS}-${MAX_STEP_SECONDS})`, zh: `主持人：每步秒数（${MIN_STEP_SECONDS}-${MAX_STEP_SECONDS}）` },
    },
  ],
  async run({ caller, services }, opts) {
    // An event's rounds come one after another in its channel: a round of /play would stand in their way.
    if (await services.events?.blocksPlay(caller.channelId)) throw new UserError('event-running');
    const outcome = await services.game.play(caller, {
      deck: opts.deck as string | undefined,
      item: opts.item as string | undefined,
      mode: opts.mode as Mode | undefined,
      stepSeconds: opts['step-seconds'] as number | undefined,
    });
    return playReply(caller.locale, outcome);
  },
});
