/** Statistics and privacy → neutral replies, through the locale strings. Pure, except the chart port. */
import type { ChartPort } from '../core/commands/services.ts';
import { userText, type Locale, type Reply, type ReplyButton } from '../core/reply.ts';
import { STAT_STEPS, STEP_SIDES, type Curve } from '../core/stats/figures.ts';
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
import { pick, t } from './i18n.ts';

/** `8×8` for step 3. */
export function sizeOf(step: number): string {
  const n = STEP_SIDES[Math.min(Math.max(step, 1), STAT_STEPS) - 1]!;
  return `${n}×${n}`;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** One decimal, without a trailing `.0`. */
export function decimal(x: number): string {
  return String(Math.round(x * 10) / 10);
}

const thresholdText = (locale: Locale, c: Curve) => (c.threshold === null ? t(locale, 'stats.none') : sizeOf(c.threshold));
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
      t(locale, 'stats.table.row', { size: sizeOf(i + 1), count, total: c.cumulative[i]!, share: percent(c.share[i]!) }),
    )
    .join('\n');
}

export async function pictureStatsReply(locale: Locale, s: PictureStats, charts?: ChartPort): Promise<Reply> {
  const name = pictureName(locale, s.picture);
  const title = t(locale, 'stats.picture.title', { name });
  const e = s.everywhere;
  if (e.attempts === 0) {
    return { title, text: t(locale, 'stats.picture.empty', { name, deck: s.picture.deckId, item: s.picture.itemId }) };
  }
  const lines = [
    t(locale, 'stats.picture.summary', {
      attempts: e.attempts,
      servers: s.servers,
      recognised: e.recognised,
      never: e.attempts - e.recognised,
    }),
  ];
  if (e.cut > 0) lines.push(t(locale, 'stats.picture.cut', { cut: e.cut }));
  if (e.threshold === null) lines.push(t(locale, 'stats.threshold.none'));
  else {
    lines.push(t(locale, 'stats.threshold', { size: sizeOf(e.threshold) }));
    lines.push(t(locale, 'stats.instability', { value: Number(decimal(e.instability ?? 0)) }));
  }
  const fields: NonNullable<Reply['fields']> = [{ name: t(locale, 'stats.table'), value: curveTable(locale, e) }];
  fields.push({
    name: t(locale, 'stats.here'),
    value:
      s.here.attempts === 0
        ? t(locale, 'stats.here.none')
        : t(locale, 'stats.here.row', {
            attempts: s.here.attempts,
            threshold: thresholdText(locale, s.here),
            instability: instabilityText(locale, s.here),
          }),
  });
  const byStep = new Map<number, string[]>();
  for (const w of s.wrong) {
    const list = byStep.get(w.step) ?? [];
    list.push(t(locale, 'stats.wrong.item', { text: userText(w.text, 40), players: w.players }));
    byStep.set(w.step, list);
  }
  fields.push({
    name: t(locale, 'stats.wrong'),
    value: byStep.size
      ? [...byStep.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([step, list]) => t(locale, 'stats.wrong.row', { size: sizeOf(step), guesses: list.join(locale === 'zh' ? '、' : ', ') }))
          .join('\n')
      : t(locale, 'stats.wrong.none'),
  });
  const series: ChartSeries[] = [{ label: t(locale, 'stats.chart.everywhere'), share: e.share }];
  if (s.here.attempts > 0 && s.here.attempts !== e.attempts) series.push({ label: t(locale, 'stats.chart.here'), share: s.here.share });
  const images = await chartImage(charts, locale, title, series, { threshold: e.threshold });
  return { title, text: lines.join('\n'), fields, images };
}

const DECK_ROWS = 30;

export function deckStatsReply(locale: Locale, s: DeckStats): Reply {
  const title = t(locale, 'stats.deck.title', { deck: pick(s.name, locale) });
  if (s.pictures.length === 0) return { title, text: t(locale, 'stats.deck.empty', { deck: s.deckId }) };
  const rows = s.pictures.slice(0, DECK_ROWS).map((p) =>
    t(locale, 'stats.deck.row', {
      name: pictureName(locale, p.picture),
      famous: p.picture.famous ? t(locale, 'stats.deck.famous') : '',
      threshold: thresholdText(locale, p.everywhere),
      instability: instabilityText(locale, p.everywhere),
      recognised: p.everywhere.recognised,
      attempts: p.everywhere.attempts,
    }),
  );
  if (s.pictures.length > DECK_ROWS) rows.push(t(locale, 'stats.deck.more', { count: s.pictures.length - DECK_ROWS }));
  const text = [t(locale, 'stats.deck.header'), ...rows];
  if (s.unplayed > 0) text.push(t(locale, 'stats.deck.unplayed', { count: s.unplayed }));
  return { title, text: text.join('\n') };
}

export function personalStatsReply(locale: Locale, s: PersonalStats): Reply {
  const title = t(locale, 'stats.me.title');
  if (s.pictures === 0) return { title, text: t(locale, 'stats.me.empty'), ephemeral: true };
  const lines = [t(locale, 'stats.me.summary', { pictures: s.pictures, recognised: s.recognised })];
  if (s.median === null) lines.push(t(locale, 'stats.me.none'));
  else {
    lines.push(
      t(locale, 'stats.me.median', {
        mine: sizeOf(s.median),
        everyone: s.everyone === null ? t(locale, 'stats.none') : sizeOf(s.everyone),
      }),
    );
    lines.push(t(locale, 'stats.me.compare', { earlier: s.earlier, same: s.same, later: s.later }));
  }
  return { title, text: lines.join('\n'), ephemeral: true };
}

export function serverStatsReply(locale: Locale, s: ServerStats): Reply {
  const title = t(locale, 'stats.server.title');
  if (s.rounds === 0) return { title, text: t(locale, 'stats.server.empty') };
  const text = t(locale, 'stats.server.summary', {
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
        name: t(locale, 'stats.server.pictures'),
        value: s.pictures
          .map((p) =>
            t(locale, 'stats.server.row', {
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

export async function knowledgeReply(locale: Locale, s: KnowledgeStats, charts?: ChartPort): Promise<Reply> {
  const title = t(locale, 'stats.knowledge.title');
  const played = s.groups.filter((g) => g.curve.attempts > 0);
  if (played.length === 0) return { title, text: t(locale, 'stats.knowledge.empty') };
  const rows = played.map((g) =>
    t(locale, 'stats.knowledge.row', {
      group: t(locale, `stats.group.${g.id}`),
      pictures: g.pictures,
      attempts: g.curve.attempts,
      shares: g.curve.share.map(percent).join(' · '),
      threshold: thresholdText(locale, g.curve),
    }),
  );
  const series = played.map((g) => ({ label: t(locale, `stats.group.${g.id}`), share: g.curve.share }));
  const images = await chartImage(charts, locale, t(locale, 'stats.knowledge.chart'), series);
  return { title, text: [t(locale, 'stats.knowledge.intro'), ...rows].join('\n'), images };
}

// ---- privacy ----

export function privacyInfoReply(locale: Locale, c: PrivacyCounts): Reply {
  return {
    title: t(locale, 'privacy.title'),
    text: [t(locale, 'privacy.info', { ...c }), t(locale, 'privacy.how')].join('\n'),
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

export function forgetRequestReply(locale: Locale, r: ForgetRequest): Reply {
  const button: ReplyButton = { id: forgetConfirmButtonId(r.code), label: t(locale, 'privacy.confirm.button'), style: 'danger' };
  return {
    title: t(locale, 'privacy.confirm.title'),
    text: [
      t(locale, 'privacy.confirm.text', { ...r.counts }),
      t(locale, 'privacy.confirm.how', { code: r.code, minutes: r.minutes }),
    ].join('\n'),
    buttons: [button],
    ephemeral: true,
  };
}

export function forgottenReply(locale: Locale, c: PrivacyCounts): Reply {
  return { text: t(locale, 'privacy.done', { ...c }), ephemeral: true };
}
