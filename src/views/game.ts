/** Game events and outcomes → neutral replies, through the locale strings. Pure. */
import type { GuessOutcome, HintOutcome, PlayOutcome } from '../core/commands/services.ts';
import { pointsForStep, recognitionTable, type RoundState } from '../core/game/round.ts';
import { STEP_COUNT, stepLabel, stepSide } from '../core/game/steps.ts';
import { userText, type Locale, type Reply, type ReplyImage } from '../core/reply.ts';
import type { DeckItem } from '../images/deck-schema.ts';
import { pick, platformOf, t } from './i18n.ts';

export function stepSizeLabel(locale: Locale, step: number): string {
  const n = stepSide(step);
  return t(locale, 'step.size', { n, pixels: n * n });
}

/** The round's Guess button id is this and the round id: adapters open a text box for it. */
export const GUESS_BUTTON_PREFIX = 'guess:';

export function guessButton(roundId: string, locale: Locale) {
  return { id: `${GUESS_BUTTON_PREFIX}${roundId}`, label: t(locale, 'round.button.guess'), style: 'primary' as const };
}

/**
 * The public message for a step (1..6) or the last window (7). The image never names the answer.
 * A motion item (`frames` > 1: its image is an animated GIF) asks what is happening.
 */
export function stepReply(state: RoundState, image: ReplyImage, motion?: { frames: number }): Reply {
  const { locale, mode, stepSeconds, id } = state.config;
  const final = state.step > STEP_COUNT;
  const step = Math.min(state.step, STEP_COUNT);
  const size = stepSizeLabel(locale, step);
  const n = stepSide(step);
  const body = [
    ...(motion ? [t(locale, 'round.motion.body', { frames: motion.frames, n, pixels: motion.frames * n * n })] : []),
    mode === 'race' ? t(locale, 'round.body.race', { points: pointsForStep(step) }) : t(locale, 'round.body.experiment'),
    final
      ? t(locale, 'round.body.final', { seconds: stepSeconds })
      : t({ locale, platform: platformOf(state.config.channelId) }, 'round.body.howto', { seconds: stepSeconds }),
  ];
  return {
    title: final ? t(locale, 'round.final.title', { size }) : t(locale, motion ? 'round.motion.title' : 'round.title', { step, size }),
    text: body.join('\n'),
    images: [image],
    buttons: [guessButton(id, locale)],
  };
}

/** The end-of-round message: answer, credit, who knew it when, points, and the strip. */
export function recapReply(state: RoundState, item: DeckItem, strip: Uint8Array | null): Reply {
  const { locale, mode } = state.config;
  const answer = locale === 'zh' ? `${item.answers.zh}（${item.answers.en}）` : `${item.answers.en} (${item.answers.zh})`;
  const lines: string[] = [];
  if (state.endReason === 'stopped') lines.push(t(locale, 'recap.stopped'));
  if (state.endReason === 'interrupted') lines.push(t(locale, 'recap.interrupted'));
  const solvers = Object.values(state.players)
    .filter((p) => p.solvedStep !== undefined)
    .sort((a, b) => a.solvedStep! - b.solvedStep! || (a.id === state.firstSolverId ? -1 : b.id === state.firstSolverId ? 1 : 0));
  const fields: Reply['fields'] = [];
  if (mode === 'race') {
    const w = state.firstSolverId ? state.players[state.firstSolverId] : undefined;
    lines.push(
      w
        ? t(locale, 'recap.winner', {
            name: userText(w.name, 64),
            step: w.solvedStep!,
            size: stepSizeLabel(locale, w.solvedStep!),
            points: w.points,
          })
        : t(locale, 'recap.nobody'),
    );
  } else {
    if (solvers.length === 0) lines.push(t(locale, 'recap.nobody'));
    else {
      fields.push({
        name: t(locale, 'recap.players'),
        value: solvers
          .slice(0, 20)
          .map((p) =>
            t(locale, 'recap.player', {
              name: userText(p.name, 64),
              step: p.solvedStep!,
              size: stepSizeLabel(locale, p.solvedStep!),
              points: p.points,
            }),
          )
          .join('\n'),
      });
    }
    const table = recognitionTable(state);
    fields.push({
      name: t(locale, 'recap.table'),
      value: table.perStep
        .map((count, i) =>
          t(locale, 'recap.table.row', {
            size: stepLabel(i + 1),
            count,
            total: table.cumulative[i]!,
            players: table.players,
          }),
        )
        .join('\n'),
    });
  }
  const link = explainLink(state, item, solvers[0]?.solvedStep);
  lines.push(link.line);
  return {
    title: t(locale, 'recap.title', { answer }),
    text: lines.join('\n'),
    buttons: [link.button],
    fields,
    images: strip ? [{ name: 'recap.png', data: strip, alt: t(locale, 'recap.strip') }] : undefined,
    footer: t(locale, 'recap.credit', { credit: item.credit, licence: item.licence }),
  };
}

/**
 * The topic a round illustrates, as a line and a button: a famous picture known below 32×32
 * shows knowledge as compression; any other shows the threshold.
 */
function explainLink(state: RoundState, item: DeckItem, firstStep: number | undefined) {
  const audience = { locale: state.config.locale, platform: platformOf(state.config.channelId) };
  const topic = item.famous ? 'knowledge-compression' : 'threshold';
  const line = !item.famous
    ? t(audience, 'recap.explain.threshold')
    : firstStep !== undefined && firstStep <= 4
      ? t(audience, 'recap.explain.early', { size: stepSizeLabel(audience.locale, firstStep) })
      : t(audience, 'recap.explain.famous');
  const label = t(audience.locale, item.famous ? 'recap.explain.button.compression' : 'recap.explain.button.threshold');
  return { line, button: { id: `explain:topic=${topic}`, label, style: 'secondary' as const } };
}

export function playReply(locale: Locale, o: PlayOutcome): Reply {
  return {
    text: t(locale, 'round.started', {
      deck: pick(o.deckName, locale),
      mode: t(locale, `mode.${o.mode}`),
      seconds: o.stepSeconds,
    }),
    ephemeral: true,
  };
}

export function guessReply(locale: Locale, o: GuessOutcome): Reply {
  if (o.kind === 'refused') return { text: t(locale, `guess.refused.${o.reason}`), ephemeral: true };
  if (o.kind === 'late') return { text: t(locale, 'guess.late', { winner: userText(o.winner, 64) }), ephemeral: true };
  const size = stepSizeLabel(locale, o.step);
  let text: string;
  if (o.verdict === 'correct') {
    const key =
      o.mode === 'race' && o.first ? 'guess.correct.winner' : o.first ? 'guess.correct.first' : 'guess.correct';
    text = t(locale, key, { step: o.step, size, points: o.points });
  } else text = t(locale, o.verdict === 'close' ? 'guess.close' : 'guess.wrong');
  return { text, ephemeral: true };
}

export function hintReply(locale: Locale, o: HintOutcome): Reply {
  return { text: t(locale, 'hint', { category: pick(o.category, locale) }) };
}
