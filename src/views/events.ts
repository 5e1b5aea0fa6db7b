/** Replies for hosted events (/event): announcement, status, breaks, reminders and the end (podium, leaderboard, report). */
import type { EventNote, EventView } from '../core/events/port.ts';
import type { EventReport } from '../core/events/report.ts';
import { ranks, type Standings } from '../core/events/standings.ts';
import { timeMark, userText, type Locale, type Reply, type ReplyButton } from '../core/reply.ts';
import { stepLabel } from '../core/game/steps.ts';
import { pick, t, type Audience, type MessageKey } from './i18n.ts';

/** Renders the end-of-event images; absent in pure tests (the text stands alone). */
export interface EventImages {
  podium(input: PodiumInput): Promise<Uint8Array>;
  report(input: ReportImageInput): Promise<Uint8Array>;
}

export interface PodiumInput {
  title: string;
  /** Up to three, best first, with their rank (ties share one). */
  players: { name: string; points: number; rank: number }[];
  /** Up to four teams, best first (empty without teams). */
  teams: { label: string; points: number; rank: number; team?: number }[];
  teamsTitle: string;
}

export interface ReportImageInput {
  locale: Locale;
  title: string;
  pictures: { label: string; players: number; perStep: number[] }[];
  series: { label: string; share: readonly number[] }[];
  threshold: number | null;
  thresholdLabel: string;
}

export function teamLabel(to: Audience, team: number): string {
  return t(to.locale, `event.team.${team}` as MessageKey as 'event.team.1');
}

function size(step: number | null): string {
  return step === null ? '–' : stepLabel(step);
}

/** A team named by number (`2`) or by its colour in either language (`blue`, `蓝队`); 0 when it names none. */
export function teamFromText(text: string): number {
  const s = text.trim().toLowerCase();
  if (/^\d+$/.test(s)) return Number(s);
  for (let team = 1; team <= 4; team++) {
    for (const locale of ['en', 'zh'] as const) {
      const label = teamLabel({ locale, platform: 'terminal' }, team).toLowerCase();
      if (s === label || label.startsWith(s) && s.length >= 2) return team;
    }
  }
  return 0;
}

/** A note for the host alone (a missing platform permission). */
export function noteText(to: Audience, key: EventNote): string {
  return t(to.locale, key);
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Deck, rounds, mode and pace in one line (the announcement, and a platform calendar's description). */
export function summaryLine(to: Audience, ev: Pick<EventView, 'deckName' | 'rounds' | 'mode' | 'stepSeconds'>): string {
  return t(to.locale, 'event.announce.body', {
    deck: pick(ev.deckName, to.locale),
    rounds: ev.rounds,
    mode: t(to.locale, ev.mode === 'experiment' ? 'event.mode.experiment' : 'event.mode.race'),
    seconds: ev.stepSeconds,
  });
}

export function announcementReply(to: Audience, ev: EventView): Reply {
  const buttons: ReplyButton[] = [{ id: 'event:action=join', label: t(to.locale, 'event.button.join'), style: 'primary' }];
  for (let team = 1; team <= ev.teams; team++) {
    buttons.push({ id: `event:action=join&team=${team}`, label: t(to.locale, 'event.button.team', { team: teamLabel(to, team) }) });
  }
  return {
    title: t(to.locale, 'event.announce.title', { name: userText(ev.name, 80) }),
    text: [
      summaryLine(to, ev),
      t(to.locale, 'event.announce.start', { start: timeMark(ev.startAt) }),
      ev.teams > 0 ? t(to.locale, 'event.announce.teams', { teams: ev.teams }) : '',
    ]
      .filter(Boolean)
      .join('\n'),
    footer: t(to, 'event.announce.howto'),
    buttons,
  };
}

export function joinedReply(to: Audience, ev: EventView, team: number | null): Reply {
  const name = userText(ev.name, 80);
  return {
    text: team === null ? t(to.locale, 'event.joined', { name }) : t(to.locale, 'event.joined.team', { name, team: teamLabel(to, team) }),
    ephemeral: true,
  };
}

export function leftReply(to: Audience, ev: EventView): Reply {
  return { text: t(to.locale, 'event.left', { name: userText(ev.name, 80) }), ephemeral: true };
}

export function startedReply(to: Audience, ev: EventView): Reply {
  return { text: t(to.locale, 'event.started', { name: userText(ev.name, 80) }) };
}

export function cancelledReply(to: Audience, ev: EventView): Reply {
  return { text: t(to.locale, 'event.cancelled', { name: userText(ev.name, 80) }) };
}

export function standingsText(to: Audience, s: Standings, limit = 10): string {
  if (s.players.length === 0) return t(to.locale, 'event.standings.empty');
  const shown = s.players.slice(0, limit);
  const r = ranks(shown.map((p) => p.points));
  const lines = shown.map((p, i) =>
    t(to.locale, 'event.standings.row', {
      rank: r[i]!,
      name: userText(p.name, 64),
      points: p.points,
      team: p.team ? ` · ${teamLabel(to, p.team)}` : '',
    }),
  );
  return lines.join('\n');
}

export function teamsText(to: Audience, s: Standings): string {
  return s.teams.map((tm) => t(to.locale, 'event.standings.team-row', { team: teamLabel(to, tm.team), points: tm.points, members: tm.members })).join('\n');
}

function statusLine(to: Audience, ev: EventView): string {
  const round = Math.min(ev.roundIndex + 1, ev.rounds);
  switch (ev.status) {
    case 'scheduled':
      return t(to.locale, 'event.status.scheduled', { start: timeMark(ev.startAt), joined: ev.joined });
    case 'running':
      return t(to.locale, 'event.status.running', { round, rounds: ev.rounds });
    case 'break':
      return t(to.locale, 'event.status.break', { round, rounds: ev.rounds });
    case 'finished':
      return t(to.locale, 'event.status.finished');
    case 'cancelled':
      return t(to.locale, 'event.status.cancelled');
  }
}

export function statusReply(to: Audience, ev: EventView, s: Standings): Reply {
  const fields = [{ name: t(to.locale, 'event.standings.title'), value: standingsText(to, s) }];
  if (s.teams.length > 0) fields.push({ name: t(to.locale, 'event.final.teams'), value: teamsText(to, s) });
  return { title: t(to.locale, 'event.announce.title', { name: userText(ev.name, 80) }), text: statusLine(to, ev), fields, ephemeral: true };
}

export function eventLeaderboardReply(to: Audience, ev: EventView, s: Standings): Reply {
  const fields = s.teams.length > 0 ? [{ name: t(to.locale, 'event.final.teams'), value: teamsText(to, s) }] : undefined;
  return { title: t(to.locale, 'event.final.leaderboard.title', { name: userText(ev.name, 80) }), text: standingsText(to, s, 20), fields, ephemeral: true };
}

export function breakReply(to: Audience, ev: EventView, s: Standings, until: number): Reply {
  const fields = s.teams.length > 0 ? [{ name: t(to.locale, 'event.final.teams'), value: teamsText(to, s) }] : undefined;
  return {
    title: t(to.locale, 'event.break.title', { name: userText(ev.name, 80), done: ev.roundIndex, rounds: ev.rounds }),
    text: `${standingsText(to, s, 5)}\n\n${t(to.locale, 'event.break.next', { round: ev.roundIndex + 1, rounds: ev.rounds, time: timeMark(until) })}`,
    fields,
  };
}

export function waitingReply(to: Audience): Reply {
  return { text: t(to.locale, 'event.waiting') };
}

export function reminderReply(to: Audience, ev: EventView): Reply {
  return { text: t(to.locale, 'event.reminder', { name: userText(ev.name, 80), start: timeMark(ev.startAt) }) };
}

/** The report's figures as text: per picture how many knew it at each step, the two curves, the thresholds. */
export function reportText(to: Audience, report: EventReport, names: ReadonlyMap<string, string>): string {
  const lines = report.pictures.map((p) =>
    t(to.locale, 'event.report.row', {
      index: p.index + 1,
      picture: names.get(`${p.deckId}/${p.itemId}`) ?? p.itemId,
      counts: p.perStep.map((n, i) => `${size(i + 1)} ${n}`).join(' · '),
      players: p.players,
    }),
  );
  lines.push(t(to.locale, 'event.report.curve', { event: report.event.share.map(pct).join(' '), all: report.allTime.share.map(pct).join(' ') }));
  lines.push(t(to.locale, 'event.report.threshold', { event: size(report.event.threshold), all: size(report.allTime.threshold) }));
  return lines.join('\n');
}

export async function finalReplies(
  to: Audience,
  ev: EventView,
  s: Standings,
  report: EventReport,
  names: ReadonlyMap<string, string>,
  images?: EventImages,
): Promise<Reply[]> {
  const name = userText(ev.name, 80);
  const top = s.players.slice(0, 3);
  const topRanks = ranks(s.players.map((p) => p.points)).slice(0, 3);
  const teamRanks = ranks(s.teams.map((tm) => tm.points));
  const podiumTitle = t(to.locale, 'event.final.podium.title', { name });
  const podium: Reply = {
    title: podiumTitle,
    text: top.length ? standingsText(to, s, 3) : t(to.locale, 'event.standings.empty'),
    fields: s.teams.length > 0 ? [{ name: t(to.locale, 'event.final.teams'), value: teamsText(to, s) }] : undefined,
  };
  const reportReply: Reply = { title: t(to.locale, 'event.report.title', { name }), text: reportText(to, report, names) };
  if (images) {
    // The images are a nicety: the text above says the same if one cannot be drawn.
    try {
      const png = await images.podium({
        title: t(to.locale, 'event.final.podium.title', { name: ev.name }),
        players: top.map((p, i) => ({ name: p.name, points: p.points, rank: topRanks[i]! })),
        teams: s.teams.map((tm, i) => ({ label: teamLabel(to, tm.team), points: tm.points, rank: teamRanks[i]!, team: tm.team })),
        teamsTitle: t(to.locale, 'event.final.teams'),
      });
      podium.images = [{ name: 'podium.png', data: png, alt: podiumTitle }];
    } catch {
      podium.images = undefined;
    }
    try {
      const png = await images.report({
        locale: to.locale,
        title: t(to.locale, 'event.report.title', { name: ev.name }),
        pictures: report.pictures.map((p) => ({ label: names.get(`${p.deckId}/${p.itemId}`) ?? p.itemId, players: p.players, perStep: p.perStep })),
        series: [
          { label: t(to.locale, 'event.report.series.event'), share: report.event.share },
          { label: t(to.locale, 'event.report.series.all'), share: report.allTime.share },
        ],
        threshold: report.event.threshold,
        thresholdLabel: t(to.locale, 'event.report.threshold-label', { size: size(report.event.threshold) }),
      });
      reportReply.images = [{ name: 'event-report.png', data: png, alt: reportReply.title }];
    } catch {
      reportReply.images = undefined;
    }
  }
  return [podium, eventLeaderboardReplyPublic(to, ev, s), reportReply];
}

function eventLeaderboardReplyPublic(to: Audience, ev: EventView, s: Standings): Reply {
  const r = eventLeaderboardReply(to, ev, s);
  return { ...r, ephemeral: undefined };
}
