/** Statistics and privacy → neutral replies, through the locale strings. Pure, except the chart port. */
import type { ChartPort } from '../core/commands/services.ts';
import { userText, type Locale, type Reply, type ReplyButton } from '../core/reply.ts';
import { stepLabel } from '../core/game/steps.ts';
import type { Curve } from '../core/stats/figures.ts';
import type {
  ChartOptions,
  ChartSeries,
  DeckStats,
  ForgetRequest,
  KnowledgeStats,
  PersonalStats,
  PictureRef,
  PictureStats,
  PrivacyCounts,
  ServerStats,
} from '../core/stats/reports.ts';
import { pick, t, type Audience } from './i18n.ts';

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** One decimal, without a trailing `.0`. */
export function decimal(x: number): string {
  return String(Math.round(x * 10) / 10);
}

const thresholdText = (locale: Locale, c: Curve) => (c.threshold === null ? t(locale, 'stats.none') : stepLabel(c.threshold));
const instabilityText = (locale: Locale, c: Curve) => (c.instability === null ? t(locale, 'stats.none') : decimal(c.instability));

/** The picture's name in the reader's language, with the other language after it. */
export function pictureName(locale: Locale, p: PictureRef): string {
  const first = pick(p.name, locale);
  const other = locale === 'zh' ? p.name.en : p.name.zh;
  if (!other || other === first) return first;
  return locale === 'zh' ? `${first}（${other}）` : `${first} (${other})`;
}

/** Renders a chart; a chart that cannot be drawn leaves the text reply alone. */
async function chartImage(
  charts: ChartPort | undefined,
  locale: Locale,
  title: string,
  series: ChartSeries[],
  opts: ChartOptions = {},
): Promise<Reply['images']> {
  if (!charts) return undefined;
  try {
    return [{ name: 'curve.png', data: await charts.curves(locale, title, series, opts), alt: t(locale, 'stats.chart.alt') }];
  } catch {
    return undefined;
  }
}

/** The article's table: how many knew it at each step, with the curve's share. */
export function curveTable(locale: Locale, c: Curve): string {
  return c.perStep
    .map((count, i) =>
      t(locale, 'stats.table.row', { size: stepLabel(i + 1), count, total: c.cumulative[i]!, share: percent(c.share[i]!) }),
    )
    .join('\n');
}

export async function pictureStatsReply(to: Audience, s: PictureStats, charts?: ChartPort): Promise<Reply> {
  const { locale } = to;
  const name = pictureName(locale, s.picture);
  const title = t(to, 'stats.picture.title', { name });
  const e = s.everywhere;
  if (e.attempts === 0) {
    return { title, text: t(to, 'stats.picture.empty', { name, deck: s.picture.deckId, item: s.picture.itemId }) };
  }
  const lines = [
    t(to, 'stats.picture.summary', {
      attempts: e.attempts,
      servers: s.servers,
      recognised: e.recognised,
      never: e.attempts - e.recognised,
    }),
  ];
  if (e.cut > 0) lines.push(t(to, 'stats.picture.cut', { cut: e.cut }));
  if (e.threshold === null) lines.push(t(to, 'stats.threshold.none'));
  else {
    lines.push(t(to, 'stats.threshold', { size: stepLabel(e.threshold) }));
    lines.push(t(to, 'stats.instability', { value: Number(decimal(e.instability ?? 0)) }));
  }
  const fields: NonNullable<Reply['fields']> = [{ name: t(to, 'stats.table'), value: curveTable(locale, e) }];
  fields.push({
    name: t(to, 'stats.here'),
    value:
      s.here.attempts === 0
        ? t(to, 'stats.here.none')
        : t(to, 'stats.here.row', {
            attempts: s.here.attempts,
            threshold: thresholdText(locale, s.here),
            instability: instabilityText(locale, s.here),
          }),
  });
  const byStep = new Map<number, string[]>();
  for (const w of s.wrong) {
    const list = byStep.get(w.step) ?? [];
    list.push(t(to, 'stats.wrong.item', { text: userText(w.text, 40), players: w.players }));
    byStep.set(w.step, list);
  }
  fields.push({
    name: t(to, 'stats.wrong'),
    value: byStep.size
      ? [...byStep.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([step, list]) => t(to, 'stats.wrong.row', { size: stepLabel(step), guesses: list.join(locale === 'zh' ? '、' : ', ') }))
          .join('\n')
      : t(to, 'stats.wrong.none'),
  });
  const series: ChartSeries[] = [{ label: t(to, 'stats.chart.everywhere'), share: e.share }];
  if (s.here.attempts > 0 && s.here.attempts !== e.attempts) series.push({ label: t(to, 'stats.chart.here'), share: s.here.share });
  const images = await chartImage(charts, locale, title, series, { threshold: e.threshold });
  return { title, text: lines.join('\n'), fields, images };
}

const DECK_ROWS = 30;

export function deckStatsReply(to: Audience, s: DeckStats): Reply {
  const { locale } = to;
  const title = t(to, 'stats.deck.title', { deck: pick(s.name, locale) });
  if (s.pictures.length === 0) return { title, text: t(to, 'stats.deck.empty', { deck: s.deckId }) };
  const rows = s.pictures.slice(0, DECK_ROWS).map((p) =>
    t(to, 'stats.deck.row', {
      name: pictureName(locale, p.picture),
      famous: p.picture.famous ? t(to, 'stats.deck.famous') : '',
      threshold: thresholdText(locale, p.everywhere),
      instability: instabilityText(locale, p.everywhere),
      recognised: p.everywhere.recognised,
      attempts: p.everywhere.attempts,
    }),
  );
  if (s.pictures.length > DECK_ROWS) rows.push(t(to, 'stats.deck.more', { count: s.pictures.length - DECK_ROWS }));
  const text = [t(to, 'stats.deck.header'), ...rows];
  if (s.unplayed > 0) text.push(t(to, 'stats.deck.unplayed', { count: s.unplayed }));
  return { title, text: text.join('\n') };
}

export function personalStatsReply(to: Audience, s: PersonalStats): Reply {
  const title = t(to, 'stats.me.title');
  if (s.pictures === 0) return { title, text: t(to, 'stats.me.empty'), ephemeral: true };
  const lines = [t(to, 'stats.me.summary', { pictures: s.pictures, recognised: s.recognised })];
  if (s.median === null) lines.push(t(to, 'stats.me.none'));
  else {
    lines.push(
      t(to, 'stats.me.median', {
        mine: stepLabel(s.median),
        everyone: s.everyone === null ? t(to, 'stats.none') : stepLabel(s.everyone),
      }),
    );
    lines.push(t(to, 'stats.me.compare', { earlier: s.earlier, same: s.same, later: s.later }));
  }
  return { title, text: lines.join('\n'), ephemeral: true };
}

export function serverStatsReply(to: Audience, s: ServerStats): Reply {
  const { locale } = to;
  const title = t(to, 'stats.server.title');
  if (s.rounds === 0) return { title, text: t(to, 'stats.server.empty') };
  const text = t(to, 'stats.server.summary', {
    rounds: s.rounds,
    players: s.players,
    guesses: s.guesses,
    pictures: s.pictureCount,
  });
  if (s.pictures.length === 0) return { title, text };
  return {
    title,
    text,
    fields: [
      {
        name: t(to, 'stats.server.pictures'),
        value: s.pictures
          .map((p) =>
            t(to, 'stats.server.row', {
              name: pictureName(locale, p.picture),
              here: thresholdText(locale, p.here),
              everywhere: thresholdText(locale, p.everywhere),
              attempts: p.here.attempts,
            }),
          )
          .join('\n'),
      },
    ],
  };
}

export async function knowledgeReply(to: Audience, s: KnowledgeStats, charts?: ChartPort): Promise<Reply> {
  const { locale } = to;
  const title = t(to, 'stats.knowledge.title');
  const played = s.groups.filter((g) => g.curve.attempts > 0);
  if (played.length === 0) return { title, text: t(to, 'stats.knowledge.empty') };
  const rows = played.map((g) =>
    t(to, 'stats.knowledge.row', {
      group: t(to, `stats.group.${g.id}`),
      pictures: g.pictures,
      attempts: g.curve.attempts,
      shares: g.curve.share.map(percent).join(' · '),
      threshold: thresholdText(locale, g.curve),
    }),
  );
  const series = played.map((g) => ({ label: t(to, `stats.group.${g.id}`), share: g.curve.share }));
  const images = await chartImage(charts, locale, t(to, 'stats.knowledge.chart'), series);
  return { title, text: [t(to, 'stats.knowledge.intro'), ...rows].join('\n'), images };
}

// ---- privacy ----

export function privacyInfoReply(to: Audience, c: PrivacyCounts): Reply {
  return {
    title: t(to, 'privacy.title'),
    text: [t(to, 'privacy.info', { ...c }), t(to, 'privacy.chat'), t(to, 'privacy.how')].join('\n'),
    ephemeral: true,
  };
}

/**
 * The confirm button's id, in the form every adapter hands to `Dispatcher.runButton`:
 * `<command>:<option>=<value>&…`, i.e. `/privacy forget-me confirm:<code>` for whoever pressed it.
 */
export function forgetConfirmButtonId(code: string): string {
  return `privacy:action=forget-me&confirm=${encodeURIComponent(code)}`;
}

export function forgetRequestReply(to: Audience, r: ForgetRequest): Reply {
  const button: ReplyButton = { id: forgetConfirmButtonId(r.code), label: t(to, 'privacy.confirm.button'), style: 'danger' };
  return {
    title: t(to, 'privacy.confirm.title'),
    text: [
      t(to, 'privacy.confirm.text', { ...r.counts }),
      t(to, 'privacy.confirm.how', { code: r.code, minutes: r.minutes }),
    ].join('\n'),
    buttons: [button],
    ephemeral: true,
  };
}

export function forgottenReply(to: Audience, c: PrivacyCounts): Reply {
  return { text: t(to, 'privacy.done', { ...c }), ephemeral: true };
}
