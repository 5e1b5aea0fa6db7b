/** `/deck` results → replies. Pure: locale strings only. */
import type { Caller } from '../core/commands/define.ts';
import { userText, type Reply } from '../core/reply.ts';
import { t } from '../views/i18n.ts';
import type { AuditRow, DeckSheet, DeckUsage, ReportRow, ServerDeckInfo } from './port.ts';

const MB = 1024 * 1024;

export function createdReply(to: Caller, d: ServerDeckInfo): Reply {
  return { text: t(to, 'deck.created', { deck: d.id, name: userText(d.name[to.locale], 80) }), ephemeral: true };
}

export function addedReply(to: Caller, r: { deck: string; item: string; answer: string; count: number }): Reply {
  return { text: t(to, 'deck.added', { deck: r.deck, item: r.item, answer: userText(r.answer, 80), count: r.count }), ephemeral: true };
}

export function removedReply(to: Caller, deck: string, item: string): Reply {
  return { text: t(to, 'deck.removed', { deck, item: userText(item, 40) }), ephemeral: true };
}

/** The delete button re-runs `/deck delete` with `confirm` set to the deck's id. */
export function deleteConfirmReply(to: Caller, d: ServerDeckInfo): Reply {
  const id = `deck:action=delete&deck=${encodeURIComponent(d.id)}&confirm=${encodeURIComponent(d.id)}`;
  return {
    text: t(to, 'deck.delete-confirm', { deck: d.id, count: d.items }),
    buttons: [{ id, label: t(to, 'deck.delete-button'), style: 'danger' }],
    ephemeral: true,
  };
}

export function deletedReply(to: Caller, deck: string): Reply {
  return { text: t(to, 'deck.deleted', { deck }), ephemeral: true };
}

export function listReply(to: Caller, u: DeckUsage): Reply {
  if (u.decks.length === 0) return { text: t(to, 'deck.list-empty'), ephemeral: true };
  const rows = u.decks.map((d) => t(to, 'deck.list-row', { deck: d.id, name: userText(d.name[to.locale], 80), count: d.items }));
  const usage = t(to, 'deck.list-usage', {
    decks: u.decks.length,
    maxDecks: u.maxDecks,
    mb: (u.bytes / MB).toFixed(1),
    maxMb: Math.round(u.maxBytes / MB),
  });
  return { title: t(to, 'deck.list-title'), text: [...rows, usage].join('\n'), ephemeral: true };
}

export function showReply(to: Caller, s: DeckSheet): Reply {
  const rows = s.items.map((it, i) => `${i + 1}. ${t(to, 'deck.show-row', { item: it.id, answer: userText(it.answer[to.locale], 80) })}`);
  return {
    title: t(to, 'deck.show-title', { deck: s.deck.id, name: userText(s.deck.name[to.locale], 80) }),
    text: rows.length ? rows.join('\n') : t(to, 'errors.deck-empty', { deck: s.deck.id }),
    images: s.sheet ? [{ name: `${s.deck.id}-sheet.png`, data: s.sheet }] : undefined,
    ephemeral: true,
  };
}

export function exportedReply(to: Caller, deck: string, file: { name: string; data: Uint8Array }): Reply {
  return { text: t(to, 'deck.exported', { deck }), images: [{ name: file.name, data: file.data }], ephemeral: true };
}

export function importedReply(to: Caller, d: ServerDeckInfo): Reply {
  return { text: t(to, 'deck.imported', { deck: d.id, count: d.items }), ephemeral: true };
}

export function reportedReply(to: Caller, notified = false): Reply {
  return { text: t(to, notified ? 'deck.reported-notified' : 'deck.reported'), ephemeral: true };
}

/** Posted in the server's report channel when a player reports a picture, with a button that removes it. */
export function reportNoticeReply(to: Caller, r: ReportRow, where: string): Reply {
  return {
    title: t(to, 'deck.report-notice-title'),
    text: t(to, 'deck.report-notice', {
      deck: r.deck,
      item: r.item,
      answer: userText(r.answer[to.locale], 80),
      who: userText(to.userName, 64),
      channel: where.slice(where.indexOf(':') + 1),
      count: r.reports,
    }),
    buttons: [
      {
        id: `deck:action=remove&deck=${encodeURIComponent(r.deck)}&item=${encodeURIComponent(r.item)}`,
        label: t(to, 'deck.reports-remove', { item: r.item }),
        style: 'danger' as const,
      },
    ],
  };
}

export function reportChannelReply(to: Caller, on: boolean): Reply {
  return { text: t(to, on ? 'deck.report-channel-on' : 'deck.report-channel-off'), ephemeral: true };
}

/** Open reports, each with a button that removes the picture at once. */
export function reportsReply(to: Caller, rows: ReportRow[]): Reply {
  if (rows.length === 0) return { text: t(to, 'deck.reports-empty'), ephemeral: true };
  return {
    title: t(to, 'deck.reports-title'),
    text: rows.map((r) => t(to, 'deck.reports-row', { deck: r.deck, item: r.item, answer: userText(r.answer[to.locale], 80), count: r.reports })).join('\n'),
    buttons: rows.slice(0, 5).map((r) => ({
      id: `deck:action=remove&deck=${encodeURIComponent(r.deck)}&item=${encodeURIComponent(r.item)}`,
      label: t(to, 'deck.reports-remove', { item: r.item }),
      style: 'danger' as const,
    })),
    ephemeral: true,
  };
}

export function auditReply(to: Caller, rows: AuditRow[]): Reply {
  return {
    title: t(to, 'deck.audit-title'),
    text: rows
      .map((r) =>
        t(to, 'deck.audit-row', {
          when: new Intl.DateTimeFormat('en-CA', { dateStyle: 'short', timeStyle: 'short', timeZone: 'UTC' }).format(r.at),
          who: userText(r.actor, 64),
          action: r.action,
          deck: r.deck,
          item: r.item ? `/${r.item}` : '',
        }),
      )
      .join('\n') || '-',
    ephemeral: true,
  };
}
