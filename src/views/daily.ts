/** The daily challenge's replies. Pure. Everything but the Share post is for the player's eyes only. */
import type { DailyOutcome, DailyStats, DailyToday } from '../core/daily/port.ts';
import type { ChartPort } from '../core/commands/services.ts';
import { STEP_COUNT, stepLabel } from '../core/game/steps.ts';
import { userText, type Reply, type ReplyButton } from '../core/reply.ts';
import { stepSizeLabel } from './game.ts';
import { t, type Audience } from './i18n.ts';

/** Buttons run `/daily <action>` through the dispatcher; adapters open a text box for the Guess one. */
export const DAILY_GUESS_BUTTON = 'daily:action=guess';
export const DAILY_NEXT_BUTTON = 'daily:action=next';
export const DAILY_SHARE_BUTTON = 'daily:action=share';
export const DAILY_STATS_BUTTON = 'daily:action=stats';


function playButtons(to: Audience, step: number): ReplyButton[] {
  return [
    { id: DAILY_GUESS_BUTTON, label: t(to.locale, 'daily.button.guess'), style: 'primary' },
    {
      id: DAILY_NEXT_BUTTON,
      label: t(to.locale, step >= STEP_COUNT ? 'daily.button.give-up' : 'daily.button.next'),
      style: step >= STEP_COUNT ? 'danger' : 'secondary',
    },
  ];
}

/** The text form's way to play, where there are no buttons to press in a box (Slack, terminal). */
function howto(to: Audience): string[] {
  return to.platform === 'discord' ? [] : [t(to, 'daily.howto')];
}

export function dailyReply(to: Audience, o: DailyOutcome): Reply {
  const { locale } = to;
  switch (o.kind) {
    case 'step': {
      const left = o.guessesLeft;
      const lines = [
        ...(o.resumed ? [t(locale, 'daily.resumed')] : []),
        t(locale, o.step >= STEP_COUNT ? 'daily.body.last' : 'daily.body', { left }),
        ...howto(to),
      ];
      return {
        title: t(locale, 'daily.title', { number: o.number, step: o.step, size: stepSizeLabel(locale, o.step) }),
        text: lines.join('\n'),
        images: [{ name: `daily-step-${o.step}.png`, data: o.image, alt: t(locale, 'daily.title', { number: o.number, step: o.step, size: stepSizeLabel(locale, o.step) }) }],
        buttons: playButtons(to, o.step),
        ephemeral: true,
        // Next shows the next step in place of the last one: one private message per play, not six.
        replace: true,
      };
    }
    case 'wrong':
      return {
        text: t(locale, o.close ? 'daily.close' : 'daily.wrong', { left: o.guessesLeft }),
        buttons: playButtons(to, o.step).filter((b) => o.guessesLeft > 0 || b.id !== DAILY_GUESS_BUTTON),
        ephemeral: true,
      };
    case 'limit':
      return { text: t(locale, 'daily.limit', { step: o.step }), buttons: playButtons(to, o.step).slice(1), ephemeral: true };
    case 'finished': {
      const answer = locale === 'zh' ? `${o.answer.zh}（${o.answer.en}）` : `${o.answer.en} (${o.answer.zh})`;
      const lines = [
        ...(o.justNow ? [] : [t(locale, 'daily.finished.before')]),
        o.knownStep
          ? t(locale, 'daily.finished.known', { size: stepSizeLabel(locale, o.knownStep), step: o.knownStep })
          : t(locale, 'daily.finished.unknown'),
        t(locale, 'daily.answer', { answer }),
      ];
      return {
        title: `Emergence #${o.number}`,
        text: lines.join('\n'),
        fields: [{ name: t(locale, 'daily.share.field'), value: o.share }],
        buttons: [
          { id: DAILY_SHARE_BUTTON, label: t(locale, 'daily.button.share'), style: 'primary' },
          { id: DAILY_STATS_BUTTON, label: t(locale, 'daily.button.stats'), style: 'secondary' },
        ],
        footer: t(locale, 'recap.credit', { credit: o.credit, licence: o.licence }),
        ephemeral: true,
        replace: true,
      };
    }
  }
}

/** The public post of the Share button: the player's name and the share line, never the picture's name. */
export function dailyShareReply(to: Audience, name: string, shared: (DailyToday & { share: string }) | null): Reply {
  if (!shared) return { text: t(to.locale, 'daily.share.not-finished'), ephemeral: true };
  return { text: `${t(to.locale, 'daily.shared', { name: userText(name, 64) })}\n${shared.share}`, footer: t(to, 'daily.shared.footer') };
}

export async function dailyStatsReply(to: Audience, s: DailyStats | null, charts?: ChartPort): Promise<Reply> {
  const { locale } = to;
  if (!s) return { text: t(to, 'daily.stats.hidden'), ephemeral: true };
  const c = s.curve;
  const title = t(locale, 'daily.stats.title', { number: s.number });
  const table = c.perStep
    .map((count, i) =>
      t(locale, 'daily.stats.row', { size: stepLabel(i + 1), count, share: Math.round(c.cumulative[i]! * 100) }),
    )
    .join('\n');
  const lines = [
    t(locale, 'daily.stats.players', { players: c.players, unknown: c.unknown }),
    s.knownStep ? t(locale, 'daily.stats.you.known', { size: stepSizeLabel(locale, s.knownStep) }) : t(locale, 'daily.stats.you.unknown'),
    t(locale, 'daily.stats.streak', { streak: s.streak }),
  ];
  let images: Reply['images'];
  if (charts) {
    try {
      const chartTitle = t(locale, 'daily.stats.chart');
      images = [{ name: 'daily-curve.png', data: await charts.curves(locale, chartTitle, [{ label: chartTitle, share: c.cumulative }]), alt: chartTitle }];
    } catch {
      images = undefined;
    }
  }
  return { title, text: lines.join('\n'), fields: [{ name: t(locale, 'daily.stats.table'), value: table }], images, ephemeral: true };
}
