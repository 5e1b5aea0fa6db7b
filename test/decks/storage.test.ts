/**
 * Server decks on both engines (SQLite and PostgreSQL): pictures stored as bytes round-trip exactly,
 * quotas hold, the audit log records who did what, a report reaches the hosts (who can remove the
 * picture from it), the blocklist refuses known pictures, and forget-me anonymises the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/core/commands/define.ts';
import { isUserError } from '../../src/core/errors.ts';
import { hostRules } from '../../src/decks/download.ts';
import * as limits from '../../src/decks/limits.ts';
import { normalisePicture, sha256Hex } from '../../src/decks/normalise.ts';
import { DeckService, FORGOTTEN_ACTOR } from '../../src/decks/service.ts';
import { forgetPlayer } from '../../src/stats/queries.ts';
import type { Store } from '../../src/storage/store.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';
import { FileServer, goodPng } from './fixtures.ts';

let files: FileServer;
beforeAll(async () => {
  files = await FileServer.start();
});
afterAll(async () => {
  await files?.close();
});

const host: Caller = {
  platform: 'discord',
  userId: 'discord:10',
  userName: 'Hosty',
  locale: 'en',
  isHost: true,
  channelId: 'discord:c1',
  scopeId: 'discord:g1',
};

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isUserError(e)) return e.code;
    throw e;
  }
  return 'ok';
}

describe.each(engines)('server decks on $name', (engine) => {
  let tdb: TestDatabase;
  let store: Store;
  let svc: DeckService;
  let now = 1_000_000;

  beforeAll(async () => {
    tdb = await engine.create();
    store = await tdb.open();
    svc = new DeckService({ db: store.db, now: () => now++, builtInIds: () => ['masterpieces'], hosts: () => hostRules(files.host, []) });
  });
  afterAll(async () => {
    await store?.close();
    await tdb?.drop();
  });

  async function upload(answer: string, hue: number, deck = 'pets', who = host) {
    const png = await goodPng(64, 48, hue);
    const path = `/${engine.name}-${answer.replace(/\W/g, '')}-${hue}.png`;
    files.serve(path, png);
    return svc.add(who, { deck, answer, picture: files.ref(path, png) });
  }

  it('stores the normalised picture as bytes and reads it back exactly', async () => {
    await svc.create(host, 'pets', { en: 'Pets', zh: '宠物' });
    const added = await upload('Tabby cat', 10);
    expect(added).toEqual({ deck: 'pets', item: 'tabby-cat', answer: 'Tabby cat', count: 1 });
    const row = await store.db.selectFrom('server_deck_items').selectAll().executeTakeFirstOrThrow();
    const expected = await normalisePicture(await goodPng(64, 48, 10));
    expect(sha256Hex(new Uint8Array(row.image))).toBe(row.sha256);
    expect(row.sha256).toBe(expected.sha256);
    const deck = await svc.deckForPlay('discord:g1', 'pets');
    const pic = await svc.picture(store.db, deck!.id, 'tabby-cat');
    expect(Buffer.from(pic!.image).equals(Buffer.from(expected.data))).toBe(true);
    expect(await svc.deckForPlay('discord:g2', 'pets')).toBeUndefined();
  });

  it('refuses a built-in id, a duplicate deck, a shared answer and a bad answer', async () => {
    expect(await code(svc.create(host, 'masterpieces', { en: 'x', zh: '' }))).toBe('deck-id-builtin');
    expect(await code(svc.create(host, 'pets', { en: 'x', zh: '' }))).toBe('deck-exists');
    expect(await code(svc.create(host, 'Bad Id!', { en: 'x', zh: '' }))).toBe('deck-bad-id');
    expect(await code(upload('TABBY-CAT!', 20))).toBe('deck-answer-taken');
    expect(await code(upload('!!!', 20))).toBe('deck-answer-invalid');
    expect(await code(upload('x'.repeat(61), 20))).toBe('deck-answer-invalid');
  });

  it('holds the quotas: pictures per deck, decks per server, bytes per server', async () => {
    const scope = { ...host, scopeId: `discord:quota-${engine.name}` };
    for (let i = 0; i < limits.MAX_DECKS_PER_SERVER; i++) await svc.create(scope, `d${i}`, { en: `Deck ${i}`, zh: '' });
    expect(await code(svc.create(scope, 'one-more', { en: 'x', zh: '' }))).toBe('deck-quota-decks');

    // A full deck: the rows are written directly (200 uploads would only be slower), then one more upload.
    const deck = await store.db.selectFrom('server_decks').select('id').where('scope_id', '=', scope.scopeId).where('slug', '=', 'd0').executeTakeFirstOrThrow();
    const rows = Array.from({ length: limits.MAX_ITEMS_PER_DECK }, (_, i) => ({
      id: `${engine.name}-q-${i}`,
      deck_id: deck.id,
      item_id: `i${i}`,
      answer_en: `answer ${i}`,
      answer_zh: `answer ${i}`,
      aliases: '[]',
      category_en: '',
      category_zh: '',
      famous: 0,
      motion: 0,
      frames: 1,
      width: 1,
      height: 1,
      bytes: 1000,
      sha256: 'x',
      image: Buffer.from([1, 2, 3]),
      created_by: scope.userId,
      created_at: 1,
    }));
    await store.db.insertInto('server_deck_items').values(rows).execute();
    expect(await code(upload('One more', 30, 'd0', scope))).toBe('deck-quota-items');

    // 50 MB in the server: any further upload is refused, in another deck too.
    await store.db.updateTable('server_deck_items').set({ bytes: Math.ceil(limits.MAX_BYTES_PER_SERVER / limits.MAX_ITEMS_PER_DECK) }).where('deck_id', '=', deck.id).execute();
    expect(await code(upload('Elsewhere', 40, 'd1', scope))).toBe('deck-quota-bytes');
    expect(await store.db.selectFrom('server_deck_items').select('id').where('deck_id', '!=', deck.id).where('item_id', '=', 'elsewhere').execute()).toEqual([]);
  });

  it('keeps an audit log, and forget-me anonymises the player in it', async () => {
    const other = { ...host, userId: 'discord:11', userName: 'Remover' };
    await upload('Goldfish', 50);
    await svc.remove(other, 'pets', 'goldfish');
    const log = await svc.audit(host, 10);
    expect(log.slice(0, 2).map((r) => [r.actor, r.action, r.deck, r.item])).toEqual([
      ['Remover', 'remove', 'pets', 'goldfish'],
      ['Hosty', 'add', 'pets', 'goldfish'],
    ]);
    await forgetPlayer(store.db, other.userId);
    const after = await store.db.selectFrom('deck_audit').selectAll().where('action', '=', 'remove').execute();
    expect(after.map((r) => [r.actor_id, r.actor_name])).toEqual([[FORGOTTEN_ACTOR, FORGOTTEN_ACTOR]]);
    // The pictures belong to the server's deck and stay.
    expect((await svc.show(host, 'pets')).items.map((i) => i.id)).toEqual(['tabby-cat']);
  });

  it('a report reaches the hosts, who can remove the picture from it', async () => {
    const deck = await svc.deckForPlay('discord:g1', 'pets');
    await store.db
      .insertInto('rounds')
      .values({
        id: `r-${engine.name}`,
        platform: 'discord',
        channel_id: host.channelId,
        scope_id: host.scopeId,
        deck_id: deck!.id,
        item_id: 'tabby-cat',
        mode: 'race',
        step_seconds: 15,
        host_id: host.userId,
        locale: 'en',
        status: 'ended',
        end_reason: 'solved',
        step: 4,
        first_solver_id: null,
        started_at: 1,
        ended_at: 2,
        due_at: null,
        owner_id: null,
        lease_until: null,
        message_ref: null,
      })
      .execute();
    const player = { ...host, userId: 'discord:12', userName: 'Player', isHost: false };
    await svc.report(player);
    await svc.report(player);
    await svc.report({ ...player, userId: 'discord:13' });
    expect(await svc.reports(host)).toEqual([{ deck: 'pets', item: 'tabby-cat', answer: { en: 'Tabby cat', zh: 'Tabby cat' }, reports: 2 }]);
    // Another server sees nothing, and cannot report this server's round.
    expect(await svc.reports({ ...host, scopeId: 'discord:g2' })).toEqual([]);
    expect(await code(svc.report({ ...player, scopeId: 'discord:g2' }))).toBe('deck-report-none');
    await svc.remove(host, 'pets', 'tabby-cat');
    expect(await svc.reports(host)).toEqual([]);
  });

  it('refuses a blocklisted picture', async () => {
    const png = await goodPng(64, 48, 77);
    await svc.block((await normalisePicture(png)).sha256, 'test');
    files.serve(`/${engine.name}-blocked.png`, png);
    expect(await code(svc.add(host, { deck: 'pets', answer: 'Blocked', picture: files.ref(`/${engine.name}-blocked.png`, png) }))).toBe('upload-blocked');
    await svc.block(sha256Hex(await goodPng(64, 48, 78)), 'original bytes');
    expect(await code(upload('Blocked too', 78))).toBe('upload-blocked');
  });

  it('deletes a deck with its pictures', async () => {
    await upload('Hamster', 90);
    await svc.delete(host, 'pets');
    expect(await svc.deckForPlay('discord:g1', 'pets')).toBeUndefined();
    const left = await store.db.selectFrom('server_deck_items').innerJoin('server_decks', 'server_decks.id', 'server_deck_items.deck_id').select('item_id').where('server_decks.scope_id', '=', 'discord:g1').execute();
    expect(left).toEqual([]);
  });
});
