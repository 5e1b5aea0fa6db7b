/** Replies for the small commands: decks, leaderboard, help. Pure, except an optional card renderer port. */
import type { CommandDef, I18nText } from '../core/commands/define.ts';
import type { CardPort, DeckSummary, LeaderboardEntry, LeaderboardScope } from '../core/commands/services.ts';
import { formatReset, type PeriodRange } from '../core/leaderboard/periods.ts';
import { userText, type Reply } from '../core/reply.ts';
import { commandText, pick, t, type Audience } from './i18n.ts';

export function decksReply(to: Audience, decks: DeckSummary[], own: { id: string; name: I18nText; items: number }[] = []): Reply {
  const { locale } = to;
  const rows = decks.map((d) =>
    t(to, 'decks.row', {
      id: d.id,
      name: pick(d.name, locale),
      items: d.items,
      famous: d.famous,
      description: pick(d.description, locale),
    }),
  );
  if (own.length) {
    rows.push('', t(to, 'decks.own-title'));
    for (const d of own) rows.push(t(to, 'deck.list-row', { deck: d.id, name: userText(d.name[locale], 80), count: d.items }));
  }
  return {
    title: t(to, 'decks.title'),
    text: rows.join('\n'),
    footer: t(to, 'decks.footer'),
  };
}

export async function leaderboardReply(
  to: Audience,
  scope: LeaderboardScope,
  rows: LeaderboardEntry[],
  cards?: CardPort,
  range?: PeriodRange,
): Promise<Reply> {
  const title = range
    ? t(to, 'leaderboard.period-title', { scope: t(to, `leaderboard.scope.${scope}`), period: t(to, `leaderboard.period.${range.period}`) })
    : t(to, 'leaderboard.title', { scope: t(to, `leaderboard.scope.${scope}`) });
  // Every period board says when it starts afresh; nothing is deleted then, the period just moves on.
  const footer = range
    ? range.resetsAt === null
      ? t(to, 'leaderboard.never-resets')
      : t(to, 'leaderboard.resets', { when: formatReset(range.resetsAt, range.zone, to.locale) })
    : undefined;
  if (rows.length === 0) return { title, text: t(to, 'leaderboard.empty'), footer };
  const text = rows
    .map((r, i) =>
      t(to, 'leaderboard.row', { rank: i + 1, name: userText(r.name, 64), points: r.points, wins: r.wins, solved: r.solved }),
    )
    .join('\n');
  let images: Reply['images'];
  if (cards) {
    // The card is a nicety; the text above is the fallback if it cannot be drawn.
    try {
      images = [{ name: 'leaderboard.png', data: await cards.leaderboard(title, rows), alt: title }];
    } catch {
      images = undefined;
    }
  }
  return { title, text, images, footer };
}

export function helpReply(to: Audience, commands: CommandDef[]): Reply {
  const { locale } = to;
  const lines = commands.map((c) => {
    const opts = c.options.map((o) => (o.required ? `<${o.name}>` : `[${o.name}]`)).join(' ');
    const usage = commandText(to.platform, opts ? `${c.name} ${opts}` : c.name);
    return `\`${usage}\`: ${pick(c.description, locale)}${c.host ? t(to, 'help.host') : ''}`;
  });
  return {
    title: t(to, 'help.title'),
    text: t(to, 'help.intro'),
    fields: [{ name: t(to, 'help.commands'), value: lines.join('\n') }],
  };
}
