/**
 * Server decks: a server's (workspace's) own pictures, in the database so that every instance has them.
 * Every write is one transaction under a per-scope lock: the quotas are checked and the rows written
 * together, so nothing is half-stored and two uploads at once cannot both slip under a quota. The
 * picture is downloaded and normalised before the transaction (download.ts, normalise.ts).
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AttachmentRef, Caller, I18nText } from '../core/commands/define.ts';
import { UserError } from '../core/errors.ts';
import type { Locale, Reply } from '../core/reply.ts';
import { reportNoticeReply } from './views.ts';
import { normalize, normalizeGuess } from '../core/game/judge.ts';
import { CHAT_GUESS_MAX_CHARS } from '../core/game/chat-guess.ts';
import type { Deck, DeckItem } from '../images/deck-schema.ts';
import { loadSharp } from '../images/load-sharp.ts';
import { lockChannel, lastEndedRound, runningRoundOf } from '../storage/rounds.ts';
import type { Database } from '../storage/schema.ts';
import type { ServerDeckItemsTable } from './schema.ts';
import { downloadAttachment, type HostRule } from './download.ts';
import { MAX_BYTES_PER_SERVER, MAX_DECKS_PER_SERVER, MAX_ITEMS_PER_DECK } from './limits.ts';
import { normalisePicture, sha256Hex, type NormalisedPicture } from './normalise.ts';
import type { AddRequest, AuditRow, DeckSheet, DeckUsage, ReportRow, ServerDeckInfo, ServerDeckPort } from './port.ts';
import { exportDeckZip, importDeckZip, type ImportedDeck } from './zip.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Rounds name a server deck `server:<uuid>`: never its slug, which another server may use too. */
export const SERVER_DECK_PREFIX = 'server:';
export const isServerDeckId = (deckId: string) => deckId.startsWith(SERVER_DECK_PREFIX);

const SLUG = /^[a-z0-9][a-z0-9-]{0,31}$/;
export { FORGOTTEN_ACTOR } from './forget.ts';

export interface DeckServiceOptions {
  db: Kysely<Database>;
  now: () => number;
  /** Built-in deck ids: a server deck may not take one (`/play deck:flags` must stay the flags). */
  builtInIds: () => string[];
  /** Allowed download hosts per platform (ATTACHMENT_HOSTS or the platform's own). */
  hosts: (caller: Caller) => HostRule[];
  slackToken?: string;
  /** The download deadline (10 s; tests make it short). */
  timeoutMs?: number;
  /** Posts a message in a channel (the hosts' report channel); the platform's sink. */
  notify?: (channelId: string, reply: Reply, locale: Locale) => Promise<void>;
}

/** A server-deck picture as the game needs it: the deck (answers of all items, for rivals), the item and its bytes. */
export interface ServerPicture {
  deck: Deck;
  item: DeckItem & { motion?: boolean };
  image: Uint8Array;
}

/** The columns an item is built from (the picture itself is read only when shown). */
type ItemRow = Pick<
  ServerDeckItemsTable,
  'id' | 'item_id' | 'answer_en' | 'answer_zh' | 'aliases' | 'category_en' | 'category_zh' | 'famous' | 'motion'
>;

export class DeckService implements ServerDeckPort {
  constructor(private readonly o: DeckServiceOptions) {}

  private get db(): Kysely<Database> {
    return this.o.db;
  }

  // ------------------------------------------------------------------ for the game

  /** The deck `/play deck:<slug>` means in this scope, with its items (no pictures), or undefined. */
  async deckForPlay(scopeId: string, slug: string): Promise<Deck | undefined> {
    const row = await this.db.selectFrom('server_decks').selectAll().where('scope_id', '=', scopeId).where('slug', '=', slug).executeTakeFirst();
    if (!row) return undefined;
    const deck = await this.deckOf(this.db, row);
    if (deck.items.length === 0) throw new UserError('deck-empty', { deck: slug });
    return deck;
  }

  /** A round's picture: `db` is the transaction the caller is in, when it is in one. */
  async picture(db: Db, deckId: string, itemId: string): Promise<ServerPicture | undefined> {
    const row = await db.selectFrom('server_decks').selectAll().where('id', '=', deckId.slice(SERVER_DECK_PREFIX.length)).executeTakeFirst();
    if (!row) return undefined;
    const deck = await this.deckOf(db, row);
    const item = deck.items.find((i) => i.id === itemId);
    if (!item) return undefined;
    const img = await db
      .selectFrom('server_deck_items')
      .select('image')
      .where('deck_id', '=', row.id)
      .where('item_id', '=', itemId)
      .executeTakeFirst();
    if (!img) return undefined;
    return { deck, item, image: new Uint8Array(img.image) };
  }

  private async deckOf(db: Db, row: { id: string; slug: string; name_en: string; name_zh: string }): Promise<Deck> {
    const items = await db
      .selectFrom('server_deck_items')
      .select(['id', 'item_id', 'answer_en', 'answer_zh', 'aliases', 'category_en', 'category_zh', 'famous', 'motion'])
      .where('deck_id', '=', row.id)
      .orderBy('created_at')
      .orderBy('item_id')
      .execute();
    return {
      id: SERVER_DECK_PREFIX + row.id,
      name: { en: row.name_en, zh: row.name_zh },
      description: { en: row.name_en, zh: row.name_zh },
      dir: '',
      items: items.map((r) => itemOf(r, row.name_en)),
    };
  }

  // ------------------------------------------------------------------ /deck

  async create(caller: Caller, id: string, name: I18nText): Promise<ServerDeckInfo> {
    const slug = checkSlug(id);
    if (this.o.builtInIds().includes(slug)) throw new UserError('deck-id-builtin', { deck: slug });
    const names = { en: cleanName(name.en), zh: cleanName(name.zh || name.en) };
    if (!names.en) throw new UserError('deck-need', { what: 'name' });
    await this.db.transaction().execute(async (trx) => {
      await lockChannel(trx, scopeLock(caller.scopeId));
      const decks = await trx.selectFrom('server_decks').select(['slug']).where('scope_id', '=', caller.scopeId).execute();
      if (decks.some((d) => d.slug === slug)) throw new UserError('deck-exists', { deck: slug });
      if (decks.length >= MAX_DECKS_PER_SERVER) throw new UserError('deck-quota-decks', { max: MAX_DECKS_PER_SERVER });
      await trx
        .insertInto('server_decks')
        .values({ id: randomUUID(), scope_id: caller.scopeId, slug, name_en: names.en, name_zh: names.zh, created_by: caller.userId, created_at: this.o.now() })
        .execute();
      await this.audit_(trx, caller, 'create', slug, null, null);
    });
    return { id: slug, name: names, items: 0 };
  }

  async add(caller: Caller, req: AddRequest): Promise<{ deck: string; item: string; answer: string; count: number }> {
    const slug = checkSlug(req.deck);
    // Cheap checks first: nothing is downloaded for a deck that does not exist or an answer that is taken.
    const deck = await this.requireDeck(this.db, caller.scopeId, slug);
    const answers = checkAnswers(req.answer, req.answerZh, req.aliases ?? []);
    await this.checkFree(this.db, deck.id, answers.keys);
    await this.checkQuotas(this.db, caller.scopeId, deck.id, 0);
    const bytes = await downloadAttachment(req.picture, { hosts: this.o.hosts(caller), slackToken: this.o.slackToken, timeoutMs: this.o.timeoutMs });
    await this.checkBlocked(this.db, sha256Hex(bytes));
    const pic = await normalisePicture(bytes, { motion: req.motion });
    const category = cleanName(req.category ?? '') || null;
    const itemId = await this.store(caller, slug, {
      answers,
      category: category ? { en: category, zh: category } : null,
      famous: Boolean(req.famous),
      motion: Boolean(req.motion),
      pic,
    });
    const count = await this.countItems(this.db, deck.id);
    return { deck: slug, item: itemId, answer: answers.en, count };
  }

  /** Writes one normalised picture into a deck of the caller's scope, with every check again inside the lock. */
  private async store(
    caller: Caller,
    slug: string,
    x: { answers: Answers; category: I18nText | null; famous: boolean; motion: boolean; pic: NormalisedPicture; itemId?: string },
    trxIn?: Transaction<Database>,
  ): Promise<string> {
    const run = async (trx: Transaction<Database>) => {
      await lockChannel(trx, scopeLock(caller.scopeId));
      await this.checkBlocked(trx, x.pic.sha256);
      const deck = await this.requireDeck(trx, caller.scopeId, slug);
      await this.checkFree(trx, deck.id, x.answers.keys);
      await this.checkQuotas(trx, caller.scopeId, deck.id, x.pic.data.byteLength);
      const taken = new Set(
        (await trx.selectFrom('server_deck_items').select('item_id').where('deck_id', '=', deck.id).execute()).map((r) => r.item_id),
      );
      const itemId = uniqueId(x.itemId ?? (slugOf(x.answers.en) || 'picture'), taken);
      await trx
        .insertInto('server_deck_items')
        .values({
          id: randomUUID(),
          deck_id: deck.id,
          item_id: itemId,
          answer_en: x.answers.en,
          answer_zh: x.answers.zh,
          aliases: JSON.stringify(x.answers.aliases),
          category_en: x.category?.en ?? '',
          category_zh: x.category?.zh ?? '',
          famous: x.famous ? 1 : 0,
          motion: x.motion ? 1 : 0,
          frames: x.pic.frames,
          width: x.pic.width,
          height: x.pic.height,
          bytes: x.pic.data.byteLength,
          sha256: x.pic.sha256,
          image: Buffer.from(x.pic.data.buffer, x.pic.data.byteOffset, x.pic.data.byteLength),
          created_by: caller.userId,
          created_at: this.o.now(),
        })
        .execute();
      await this.audit_(trx, caller, 'add', slug, itemId, x.answers.en);
      return itemId;
    };
    return trxIn ? run(trxIn) : this.db.transaction().execute(run);
  }

  async remove(caller: Caller, deckSlug: string, item: string): Promise<void> {
    const slug = checkSlug(deckSlug);
    await this.db.transaction().execute(async (trx) => {
      await lockChannel(trx, scopeLock(caller.scopeId));
      const deck = await this.requireDeck(trx, caller.scopeId, slug);
      const res = await trx.deleteFrom('server_deck_items').where('deck_id', '=', deck.id).where('item_id', '=', item).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw new UserError('deck-item-unknown', { deck: slug, item: item.slice(0, 40) });
      await trx.updateTable('deck_reports').set({ status: 'removed' }).where('deck_id', '=', deck.id).where('item_id', '=', item).execute();
      await this.audit_(trx, caller, 'remove', slug, item, null);
    });
  }

  async list(caller: Caller): Promise<DeckUsage> {
    const decks = await this.db
      .selectFrom('server_decks as d')
      .leftJoin('server_deck_items as i', 'i.deck_id', 'd.id')
      .select(['d.slug', 'd.name_en', 'd.name_zh'])
      .select((eb) => [eb.fn.count<number>('i.id').as('n'), eb.fn.coalesce(eb.fn.sum<number>('i.bytes'), sql<number>`0`).as('bytes')])
      .where('d.scope_id', '=', caller.scopeId)
      .groupBy(['d.id', 'd.slug', 'd.name_en', 'd.name_zh'])
      .orderBy('d.slug')
      .execute();
    return {
      decks: decks.map((d) => ({ id: d.slug, name: { en: d.name_en, zh: d.name_zh }, items: Number(d.n) })),
      bytes: decks.reduce((s, d) => s + Number(d.bytes), 0),
      maxBytes: MAX_BYTES_PER_SERVER,
      maxDecks: MAX_DECKS_PER_SERVER,
    };
  }

  /** The ids of a server's (or workspace's) own decks, for messages that list what can be played there. */
  async slugs(scopeId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('server_decks').select('slug').where('scope_id', '=', scopeId).orderBy('slug').execute();
    return rows.map((r) => r.slug);
  }

  async info(caller: Caller, deckSlug: string): Promise<ServerDeckInfo> {
    const slug = checkSlug(deckSlug);
    const deck = await this.requireDeck(this.db, caller.scopeId, slug);
    return { id: slug, name: { en: deck.name_en, zh: deck.name_zh }, items: await this.countItems(this.db, deck.id) };
  }

  async delete(caller: Caller, deckSlug: string): Promise<void> {
    const slug = checkSlug(deckSlug);
    await this.db.transaction().execute(async (trx) => {
      await lockChannel(trx, scopeLock(caller.scopeId));
      const deck = await this.requireDeck(trx, caller.scopeId, slug);
      await trx.deleteFrom('server_deck_items').where('deck_id', '=', deck.id).execute();
      await trx.updateTable('deck_reports').set({ status: 'removed' }).where('deck_id', '=', deck.id).execute();
      await trx.deleteFrom('server_decks').where('id', '=', deck.id).execute();
      await this.audit_(trx, caller, 'delete', slug, null, null);
    });
  }

  async show(caller: Caller, deckSlug: string): Promise<DeckSheet> {
    const slug = checkSlug(deckSlug);
    const row = await this.requireDeck(this.db, caller.scopeId, slug);
    const rows = await this.db
      .selectFrom('server_deck_items')
      .select(['item_id', 'answer_en', 'answer_zh', 'motion', 'image'])
      .where('deck_id', '=', row.id)
      .orderBy('created_at')
      .orderBy('item_id')
      .execute();
    const info = { id: slug, name: { en: row.name_en, zh: row.name_zh }, items: rows.length };
    const sheet = rows.length ? await contactSheet(rows.map((r) => new Uint8Array(r.image))) : null;
    return {
      deck: info,
      items: rows.map((r) => ({ id: r.item_id, answer: { en: r.answer_en, zh: r.answer_zh }, motion: r.motion === 1 })),
      sheet,
    };
  }

  async exportZip(caller: Caller, deckSlug: string): Promise<{ name: string; data: Uint8Array }> {
    const slug = checkSlug(deckSlug);
    const row = await this.requireDeck(this.db, caller.scopeId, slug);
    const items = await this.db.selectFrom('server_deck_items').selectAll().where('deck_id', '=', row.id).orderBy('created_at').orderBy('item_id').execute();
    const data = exportDeckZip({
      id: slug,
      name: { en: row.name_en, zh: row.name_zh },
      items: items.map((r) => ({
        id: r.item_id,
        answers: { en: r.answer_en, zh: r.answer_zh },
        aliases: JSON.parse(r.aliases) as string[],
        category: { en: r.category_en, zh: r.category_zh },
        famous: r.famous === 1,
        motion: r.motion === 1,
        image: new Uint8Array(r.image),
      })),
    });
    return { name: `${slug}.zip`, data };
  }

  async importZip(caller: Caller, file: AttachmentRef): Promise<ServerDeckInfo> {
    const bytes = await downloadAttachment(
      { ...file, contentType: undefined },
      { hosts: this.o.hosts(caller), slackToken: this.o.slackToken, timeoutMs: this.o.timeoutMs, maxBytes: MAX_BYTES_PER_SERVER },
    );
    return this.importDeck(caller, await importDeckZip(bytes));
  }

  /**
   * Makes a deck from an export (a zip, or the CLI's folder): every picture goes through the same
   * checks as an upload, then the deck and all its pictures are written in one transaction.
   */
  async importDeck(caller: Caller, d: ImportedDeck): Promise<ServerDeckInfo> {
    const slug = checkSlug(d.id);
    if (this.o.builtInIds().includes(slug)) throw new UserError('deck-id-builtin', { deck: slug });
    const prepared: { answers: Answers; category: I18nText | null; famous: boolean; motion: boolean; pic: NormalisedPicture; itemId: string }[] = [];
    const seen = new Set<string>();
    for (const it of d.items) {
      const answers = checkAnswers(it.answers.en, it.answers.zh, it.aliases);
      for (const k of answers.keys) {
        if (seen.has(k)) throw new UserError('deck-answer-taken', { answer: answers.en });
      }
      for (const k of answers.keys) seen.add(k);
      let pic: NormalisedPicture;
      try {
        await this.checkBlocked(this.db, sha256Hex(it.image));
        pic = await normalisePicture(it.image, { motion: it.motion });
      } catch (e) {
        if (e instanceof UserError) throw new UserError('deck-import-picture', { item: it.id, reason: e.code });
        throw e;
      }
      prepared.push({ answers, category: it.category.en ? it.category : null, famous: it.famous, motion: it.motion, pic, itemId: it.id });
    }
    const names = { en: cleanName(d.name.en) || slug, zh: cleanName(d.name.zh) || cleanName(d.name.en) || slug };
    await this.db.transaction().execute(async (trx) => {
      await lockChannel(trx, scopeLock(caller.scopeId));
      const decks = await trx.selectFrom('server_decks').select(['slug']).where('scope_id', '=', caller.scopeId).execute();
      if (decks.some((x) => x.slug === slug)) throw new UserError('deck-exists', { deck: slug });
      if (decks.length >= MAX_DECKS_PER_SERVER) throw new UserError('deck-quota-decks', { max: MAX_DECKS_PER_SERVER });
      await trx
        .insertInto('server_decks')
        .values({ id: randomUUID(), scope_id: caller.scopeId, slug, name_en: names.en, name_zh: names.zh, created_by: caller.userId, created_at: this.o.now() })
        .execute();
      await this.audit_(trx, caller, 'import', slug, null, String(prepared.length));
      for (const p of prepared) await this.store(caller, slug, p, trx);
    });
    return { id: slug, name: names, items: prepared.length };
  }

  /**
   * Files a report on the picture of the channel's current or last round, and tells the hosts at once
   * in the server's report channel when one is set. Says whether the hosts were told.
   */
  async report(caller: Caller): Promise<{ notified: boolean }> {
    const round = (await runningRoundOf(this.db, caller.channelId)) ?? (await lastEndedRound(this.db, caller.channelId));
    if (!round || !isServerDeckId(round.deck_id) || round.scope_id !== caller.scopeId) throw new UserError('deck-report-none');
    const deckId = round.deck_id.slice(SERVER_DECK_PREFIX.length);
    const deck = await this.db.selectFrom('server_decks').select(['slug']).where('id', '=', deckId).executeTakeFirst();
    if (!deck) throw new UserError('deck-report-none');
    const filed = await this.db.transaction().execute(async (trx) => {
      const dup = await trx
        .selectFrom('deck_reports')
        .select('id')
        .where('deck_id', '=', deckId)
        .where('item_id', '=', round.item_id)
        .where('reporter_id', '=', caller.userId)
        .where('status', '=', 'open')
        .executeTakeFirst();
      if (dup) return false;
      await trx
        .insertInto('deck_reports')
        .values({ scope_id: caller.scopeId, deck_id: deckId, item_id: round.item_id, round_id: round.id, reporter_id: caller.userId, status: 'open', at: this.o.now() })
        .execute();
      await this.audit_(trx, caller, 'report', deck.slug, round.item_id, null);
      return true;
    });
    const channel = await this.reportChannel(caller.scopeId);
    if (!channel || !this.o.notify) return { notified: false };
    if (!filed) return { notified: true }; // the hosts heard of this one already
    const item = await this.db
      .selectFrom('server_deck_items')
      .select(['answer_en', 'answer_zh'])
      .where('deck_id', '=', deckId)
      .where('item_id', '=', round.item_id)
      .executeTakeFirst();
    const open = await this.db
      .selectFrom('deck_reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('deck_id', '=', deckId)
      .where('item_id', '=', round.item_id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    const reply = reportNoticeReply(caller, {
      deck: deck.slug,
      item: round.item_id,
      answer: { en: item?.answer_en ?? round.item_id, zh: item?.answer_zh ?? round.item_id },
      reports: Number(open?.n ?? 1),
    }, caller.channelId);
    try {
      await this.o.notify(channel, reply, caller.locale);
      return { notified: true };
    } catch {
      // The report is stored either way; the hosts still find it with /deck reports.
      return { notified: false };
    }
  }

  /** The channel where a server's reports are posted, if a host chose one. */
  async reportChannel(scopeId: string): Promise<string | null> {
    const row = await this.db.selectFrom('deck_settings').select('report_channel').where('scope_id', '=', scopeId).executeTakeFirst();
    return row?.report_channel ?? null;
  }

  /** `/deck report-channel`: reports are posted in this channel from now on; asked again in the same channel, no longer. */
  async toggleReportChannel(caller: Caller): Promise<{ on: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('deck_settings').select('report_channel').where('scope_id', '=', caller.scopeId).executeTakeFirst();
      const next = row?.report_channel === caller.channelId ? null : caller.channelId;
      const values = { report_channel: next, set_by: caller.userId, set_at: this.o.now() };
      if (row) await trx.updateTable('deck_settings').set(values).where('scope_id', '=', caller.scopeId).execute();
      else await trx.insertInto('deck_settings').values({ scope_id: caller.scopeId, ...values }).execute();
      return { on: next !== null };
    });
  }

  async reports(caller: Caller): Promise<ReportRow[]> {
    const rows = await this.db
      .selectFrom('deck_reports as r')
      .innerJoin('server_decks as d', 'd.id', 'r.deck_id')
      .innerJoin('server_deck_items as i', (j) => j.onRef('i.deck_id', '=', 'r.deck_id').onRef('i.item_id', '=', 'r.item_id'))
      .select(['d.slug', 'r.item_id', 'i.answer_en', 'i.answer_zh'])
      .select((eb) => eb.fn.count<number>('r.id').as('n'))
      .where('r.scope_id', '=', caller.scopeId)
      .where('r.status', '=', 'open')
      .groupBy(['d.slug', 'r.item_id', 'i.answer_en', 'i.answer_zh'])
      .orderBy('d.slug')
      .orderBy('r.item_id')
      .execute();
    return rows.map((r) => ({ deck: r.slug, item: r.item_id, answer: { en: r.answer_en, zh: r.answer_zh }, reports: Number(r.n) }));
  }

  async audit(caller: Caller, limit: number): Promise<AuditRow[]> {
    const rows = await this.db
      .selectFrom('deck_audit')
      .selectAll()
      .where('scope_id', '=', caller.scopeId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ at: r.at, actor: r.actor_name, action: r.action, deck: r.deck_slug, item: r.item_id }));
  }

  /** Operator: refuse this content hash from now on (`cli deck block <sha256>`). */
  async block(sha256: string, note: string): Promise<void> {
    await this.db
      .insertInto('image_blocklist')
      .values({ sha256: sha256.toLowerCase(), note, added_at: this.o.now() })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
  }

  // ------------------------------------------------------------------ helpers

  private async audit_(trx: Db, caller: Caller, action: string, deck: string, item: string | null, detail: string | null): Promise<void> {
    await trx
      .insertInto('deck_audit')
      .values({
        scope_id: caller.scopeId,
        actor_id: caller.userId,
        actor_name: caller.userName.slice(0, 100),
        action,
        deck_slug: deck,
        item_id: item,
        detail: detail?.slice(0, 200) ?? null,
        at: this.o.now(),
      })
      .execute();
  }

  private async requireDeck(db: Db, scopeId: string, slug: string) {
    const row = await db.selectFrom('server_decks').selectAll().where('scope_id', '=', scopeId).where('slug', '=', slug).executeTakeFirst();
    if (!row) throw new UserError('deck-unknown', { deck: slug });
    return row;
  }

  private async countItems(db: Db, deckId: string): Promise<number> {
    const r = await db.selectFrom('server_deck_items').select((eb) => eb.fn.countAll<number>().as('n')).where('deck_id', '=', deckId).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  private async checkFree(db: Db, deckId: string, keys: string[]): Promise<void> {
    const rows = await db
      .selectFrom('server_deck_items')
      .select(['answer_en', 'answer_zh', 'aliases'])
      .where('deck_id', '=', deckId)
      .execute();
    const mine = new Set(keys);
    for (const r of rows) {
      const theirs = answerKeys(r.answer_en, r.answer_zh, JSON.parse(r.aliases) as string[]);
      if (theirs.some((k) => mine.has(k))) throw new UserError('deck-answer-taken', { answer: r.answer_en });
    }
  }

  private async checkQuotas(db: Db, scopeId: string, deckId: string, adding: number): Promise<void> {
    if ((await this.countItems(db, deckId)) >= MAX_ITEMS_PER_DECK) throw new UserError('deck-quota-items', { max: MAX_ITEMS_PER_DECK });
    const used = await db
      .selectFrom('server_deck_items as i')
      .innerJoin('server_decks as d', 'd.id', 'i.deck_id')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('i.bytes'), sql<number>`0`).as('bytes'))
      .where('d.scope_id', '=', scopeId)
      .executeTakeFirst();
    // Before the download (adding 0), a server at its limit is refused at once; after it, the real size counts.
    const total = Number(used?.bytes ?? 0) + adding;
    if (adding === 0 ? total >= MAX_BYTES_PER_SERVER : total > MAX_BYTES_PER_SERVER) {
      throw new UserError('deck-quota-bytes', { max: Math.round(MAX_BYTES_PER_SERVER / 1024 / 1024) });
    }
  }

  private async checkBlocked(db: Db, sha256: string): Promise<void> {
    const hit = await db.selectFrom('image_blocklist').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
    if (hit) throw new UserError('upload-blocked');
  }
}

/** The per-scope lock every deck write takes (an advisory lock on PostgreSQL; SQLite serialises writers). */
const scopeLock = (scopeId: string) => `decks:${scopeId}`;

function checkSlug(id: string | undefined): string {
  const s = (id ?? '').trim().toLowerCase();
  if (!s) throw new UserError('deck-need', { what: 'deck' });
  if (!SLUG.test(s)) throw new UserError('deck-bad-id');
  return s;
}

function cleanName(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.normalize('NFKC').replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, '').trim().slice(0, 80);
}

interface Answers {
  en: string;
  zh: string;
  aliases: string[];
  keys: string[];
}

function answerKeys(en: string, zh: string, aliases: string[]): string[] {
  return [...new Set([en, zh, ...aliases].map((a) => normalize(a)).filter(Boolean))];
}

/** Answers are judged like guesses: the same length limit and normalisation; each must leave something to compare. */
function checkAnswers(en: string, zh: string | undefined, aliases: string[]): Answers {
  const check = (s: string) => {
    const t = cleanName(s);
    if (!t || Array.from(t).length > CHAT_GUESS_MAX_CHARS || !normalize(t) || normalizeGuess(t) === '') {
      throw new UserError('deck-answer-invalid', { max: CHAT_GUESS_MAX_CHARS });
    }
    return t;
  };
  const a = check(en);
  const z = zh?.trim() ? check(zh) : a;
  const al = aliases.map((x) => x.trim()).filter(Boolean).slice(0, 20).map(check);
  return { en: a, zh: z, aliases: al, keys: answerKeys(a, z, al) };
}

function slugOf(s: string): string {
  return s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32)
    .replace(/-+$/, '');
}

function uniqueId(base: string, taken: Set<string>): string {
  const b = SLUG.test(base) ? base : 'picture';
  if (!taken.has(b)) return b;
  for (let n = 2; ; n++) {
    const id = `${b.slice(0, 28)}-${n}`;
    if (!taken.has(id)) return id;
  }
}

function itemOf(r: ItemRow, deckName: string): DeckItem & { motion?: boolean } {
  return {
    id: r.item_id,
    image: `db:${r.id}`,
    answers: { en: r.answer_en, zh: r.answer_zh },
    aliases: JSON.parse(r.aliases) as string[],
    category: r.category_en ? { en: r.category_en, zh: r.category_zh } : { en: deckName, zh: deckName },
    famous: r.famous === 1,
    credit: deckName,
    licence: '-',
    motion: r.motion === 1,
  };
}

/** The pictures in a grid of 128 px cells, each numbered in its corner. */
async function contactSheet(images: Uint8Array[]): Promise<Uint8Array> {
  const cell = 128;
  const cols = Math.min(8, images.length);
  const rows = Math.ceil(images.length / cols);
  const sharp = await loadSharp();
  const tiles = await Promise.all(
    images.map(async (img, i) => {
      const thumb = await sharp(img, { page: 0 }).resize(cell - 8, cell - 8, { fit: 'contain', background: '#202020' }).png().toBuffer();
      const label = Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="34" height="22"><rect width="34" height="22" fill="#000" opacity="0.7"/><text x="17" y="16" font-size="14" font-family="Emergence Sans, sans-serif" fill="#fff" text-anchor="middle">${i + 1}</text></svg>`,
      );
      return [
        { input: thumb, left: (i % cols) * cell + 4, top: Math.floor(i / cols) * cell + 4 },
        { input: label, left: (i % cols) * cell + 4, top: Math.floor(i / cols) * cell + 4 },
      ];
    }),
  );
  const out = await sharp({ create: { width: cols * cell, height: rows * cell, channels: 3, background: '#101010' } })
    .composite(tiles.flat())
    .png()
    .toBuffer();
  return new Uint8Array(out);
}
