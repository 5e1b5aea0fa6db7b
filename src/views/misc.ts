/** Replies for the small commands: decks, leaderboard, help. Pure, except an optional card renderer port. */
import type { CommandDef } from '../core/commands/define.ts';
import type { CardPort, DeckSummary, LeaderboardEntry, LeaderboardScope } from '../core/commands/services.ts';
import { userText, type Locale, type Reply } from '../core/reply.ts';
import { pick, t } from './i18n.ts';

export function decksReply(locale: Locale, decks: DeckSummary[]): Reply {
  return {
    title: t(locale, 'decks.title'),
    text: decks
      .map((d) =>
        t(locale, 'decks.row', {
          id: d.id,
          name: pick(d.name, locale),
          items: d.items,
          famous: d.famous,
          description: pick(d.description, locale),
        }),
      )
      .join('\n'),
    footer: t(locale, 'decks.footer'),
  };
}

export async function leaderboardReply(
  locale: Locale,
  scope: LeaderboardScope,
  rows: LeaderboardEntry[],
  cards?: CardPort,
): Promise<Reply> {
  const title = t(locale, 'leaderboard.title', { scope: t(locale, `leaderboard.scope.${scope}`) });
  if (rows.length === 0) return { title, text: t(locale, 'leaderboard.empty') };
  const text = rows
    .map((r, i) =>
      t(locale, 'leaderboard.row', { rank: i + 1, name: userText(r.name, 64), points: r.points, wins: r.wins, solved: r.solved }),
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
  return { title, text, images };
}

export function helpReply(locale: Locale, commands: CommandDef[]): Reply {
  const lines = commands.map((c) => {
    const opts = c.options.map((o) => (o.required ? `<${o.name}>` : `[${o.name}]`)).join(' ');
    return `\`/${c.name}${opts ? ' ' + opts : ''}\`: ${pick(c.description, locale)}${c.host ? t(locale, 'help.host') : ''}`;
  });
  return {
    title: t(locale, 'help.title'),
    text: t(locale, 'help.intro'),
    fields: [{ name: t(locale, 'help.commands'), value: lines.join('\n') }],
  };
}
