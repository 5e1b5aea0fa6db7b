/**
 * Hostile uploads (issue 13, section 4): each is refused with its own message, nothing is stored, the
 * process keeps running and its memory stays bounded. Then the good path: an upload becomes a playable
 * round, another server can neither see nor play the deck, and export then import gives the same deck.
 * Real app (SQLite file), real sharp, a real HTTP server on 127.0.0.1 named by ATTACHMENT_HOSTS.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachmentRef, Caller, RawValue } from '../../src/core/commands/define.ts';
import { plainText, type Reply } from '../../src/core/reply.ts';
import type { ErrorCode } from '../../src/core/errors.ts';
import { t, type MessageKey } from '../../src/views/i18n.ts';
import { caller, makeTestApp, type TestApp } from '../fakes/test-app.ts';
import { animatedGif, FileServer, goodPng, pngDeclaring, svgWithHref, truncatedJpeg } from './fixtures.ts';

const MB = 1024 * 1024;
let files: FileServer;
let t1: TestApp;
const host: Caller = caller('Hosty', { platform: 'discord', userId: 'discord:1', isHost: true, scopeId: 'discord:g1', channelId: 'discord:c1' });

async function run(who: Caller, raw: Record<string, RawValue>): Promise<Reply[]> {
  return t1.app.dispatcher.run(who, 'deck', raw);
}

function text(replies: Reply[]): string {
  return replies.map((r) => plainText(r.text)).join('\n');
}

function errorText(who: Caller, code: ErrorCode, params: Record<string, string | number> = {}): string {
  return plainText(t(who, `errors.${code}` as MessageKey, params));
}

async function itemRows(): Promise<number> {
  const r = await t1.app.store.db.selectFrom('server_deck_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(r?.n);
}

async function add(ref: AttachmentRef, answer = 'cat', extra: Record<string, RawValue> = {}): Promise<string> {
  return text(await run(host, { action: 'add', deck: 'pets', answer, picture: ref, ...extra }));
}

beforeAll(async () => {
  files = await FileServer.start();
  // A generous deadline: 9 MB must be read in full on a loaded machine. The slow test has its own app.
  t1 = await makeTestApp({ attachmentHosts: files.host, downloadTimeoutMs: 8000, rate: { burst: 10_000, windowMs: 1000 } });
  expect(text(await run(host, { action: 'create', id: 'pets', name: 'Our pets', 'name-zh': '我们的宠物' }))).toContain('pets');
});

afterAll(async () => {
  await t1?.cleanup();
  await files?.close();
});

describe('hostile uploads are refused, each with its own message', () => {
  const rssBefore = process.memoryUsage().rss;

  it('a 0-byte file', async () => {
    files.serve('/empty.png', new Uint8Array(0));
    expect(await add(files.ref('/empty.png', new Uint8Array(0)))).toBe(errorText(host, 'upload-empty'));
    // Undeclared size: the empty body itself is refused.
    expect(await add(files.ref('/empty.png', null))).toBe(errorText(host, 'upload-empty'));
  });

  it('a text file renamed .png', async () => {
    const txt = new TextEncoder().encode('hello, I am not a picture at all\n'.repeat(20));
    files.serve('/notes.png', txt);
    expect(await add(files.ref('/notes.png', txt))).toBe(errorText(host, 'upload-not-image'));
  });

  it('a small PNG declaring 30000×30000 (a decompression bomb)', async () => {
    const bomb = pngDeclaring(30000);
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    files.serve('/bomb.png', bomb);
    expect(await add(files.ref('/bomb.png', bomb))).toBe(errorText(host, 'upload-too-many-pixels', { max: 16.8 }));
  });

  it('a truncated JPEG', async () => {
    const jpg = await truncatedJpeg();
    files.serve('/cut.jpg', jpg, 'image/jpeg');
    expect(await add(files.ref('/cut.jpg', jpg, { contentType: 'image/jpeg' }))).toBe(errorText(host, 'upload-damaged'));
  });

  it('an SVG with an external href (declared as PNG, sniffed from the bytes)', async () => {
    let fetched = false;
    files.route('/meta', (_req, res) => {
      fetched = true;
      res.end('secret');
    });
    files.serve('/evil.png', svgWithHref);
    expect(await add(files.ref('/evil.png', svgWithHref))).toBe(errorText(host, 'upload-svg'));
    // Declared honestly, it is refused before any download.
    expect(await add(files.ref('/evil.png', svgWithHref, { contentType: 'image/svg+xml' }))).toBe(
      errorText(host, 'upload-type', { type: 'image/svg+xml' }),
    );
    expect(fetched).toBe(false);
  });

  it('a GIF of 1,000 frames', async () => {
    const gif = await animatedGif(1000);
    expect((await sharp(gif).metadata()).pages).toBe(1000);
    files.serve('/many.gif', gif, 'image/gif');
    expect(await add(files.ref('/many.gif', gif, { contentType: 'image/gif' }))).toBe(errorText(host, 'upload-too-many-frames', { max: 100 }));
  });

  it('a 9 MB file: refused by its declared size, and when undeclared, after 8 MB read', async () => {
    let served = 0;
    files.route('/big.png', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(MB, 7);
      for (let i = 0; i < 9; i++) res.write(chunk);
      served++;
      res.end();
    });
    expect(await add(files.ref('/big.png', null, { size: 9 * MB }))).toBe(errorText(host, 'upload-too-large', { max: 8 }));
    expect(served).toBe(0);
    expect(await add(files.ref('/big.png', null))).toBe(errorText(host, 'upload-too-large', { max: 8 }));
  });

  it('a declared size that lies', async () => {
    const png = await goodPng();
    files.route('/liar.png', (_req, res) => {
      // No content-length: the body is 9 MB while the platform declared a small file.
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(Buffer.from(png));
      for (let i = 0; i < 9; i++) res.write(Buffer.alloc(MB));
      res.end();
    });
    expect(await add(files.ref('/liar.png', png))).toBe(errorText(host, 'upload-size-mismatch'));
    // Smaller than declared is a lie too.
    files.serve('/short.png', png);
    expect(await add(files.ref('/short.png', null, { size: png.byteLength + 10 }))).toBe(errorText(host, 'upload-size-mismatch'));
  });

  it('a redirect to another host', async () => {
    const png = await goodPng();
    files.serve('/target.png', png);
    files.route('/hop.png', (_req, res) => {
      res.writeHead(302, { location: `http://localhost:${files.port}/target.png` });
      res.end();
    });
    expect(await add(files.ref('/hop.png', png))).toBe(errorText(host, 'upload-redirect'));
    // A redirect within the allowed host is followed (and re-checked).
    files.route('/hop-ok.png', (_req, res) => {
      res.writeHead(302, { location: '/target.png' });
      res.end();
    });
    expect(await add(files.ref('/hop-ok.png', png), 'parrot')).toContain('parrot');
    expect(text(await run(host, { action: 'remove', deck: 'pets', item: 'parrot' }))).toContain('parrot');
  });

  it('a URL on a host that is not allowed', async () => {
    const png = await goodPng();
    for (const url of ['http://localhost:1/x.png', 'https://cdn.discordapp.com.evil.example/x.png', 'file:///etc/passwd', `http://127.0.0.1:${files.port + 1}/x.png`, 'http://cdn.discordapp.com/x.png']) {
      expect(await add({ url, name: 'x.png', size: png.byteLength, contentType: 'image/png' })).toBe(errorText(host, 'upload-host'));
    }
  });

  it('a server that sends too slowly', async () => {
    const timers: NodeJS.Timeout[] = [];
    files.route('/slow.png', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(Buffer.from('89504e470d0a1a0a', 'hex'));
      // One byte now and then, far past the deadline the app was given (400 ms here, 10 s in production).
      const tick = () => {
        if (res.destroyed) return;
        res.write(Buffer.alloc(1));
        timers.push(setTimeout(tick, 100));
      };
      tick();
    });
    const quick = await makeTestApp({ attachmentHosts: files.host, downloadTimeoutMs: 300 });
    try {
      await quick.app.dispatcher.run(host, 'deck', { action: 'create', id: 'pets', name: 'Pets' });
      const replies = await quick.app.dispatcher.run(host, 'deck', { action: 'add', deck: 'pets', answer: 'cat', picture: files.ref('/slow.png', null) });
      expect(text(replies)).toBe(errorText(host, 'upload-slow', { seconds: 0.3 }));
      const rows = await quick.app.store.db.selectFrom('server_deck_items').select('id').execute();
      expect(rows).toEqual([]);
    } finally {
      for (const x of timers) clearTimeout(x);
      await quick.cleanup();
    }
  });

  it('left nothing behind, and the memory stayed bounded', async () => {
    expect(await itemRows()).toBe(0);
    const audit = await t1.app.store.db.selectFrom('deck_audit').select('action').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['add', 'create', 'remove']);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * MB);
  });
});

describe('the good path', () => {
  const other: Caller = { ...host, userId: 'discord:2', scopeId: 'discord:g2', channelId: 'discord:c9' };

  it('an upload becomes a playable round, judged like a built-in picture', async () => {
    const png = await goodPng(1600, 1200, 200);
    files.serve('/cat.png', png);
    const added = await add(files.ref('/cat.png', png), 'House cat', { 'answer-zh': '家猫', aliases: 'kitty|moggy', category: 'Pets' });
    expect(added).toContain('house-cat');
    const row = await t1.app.store.db.selectFrom('server_deck_items').selectAll().executeTakeFirstOrThrow();
    const meta = await sharp(row.image).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width!, meta.height!)).toBe(1024);
    expect(meta.exif).toBeUndefined();

    const player: Caller = { ...host, userId: 'discord:3', userName: 'Player', isHost: false };
    const played = await t1.app.dispatcher.run(player, 'play', { deck: 'pets' });
    expect(played[0]!.ephemeral).toBe(true);
    expect(await t1.app.dispatcher.run(player, 'hint', {})).toSatisfy((r: Reply[]) => plainText(r[0]!.text).includes('Pets'));
    const won = await t1.app.dispatcher.run(player, 'guess', { answer: 'jia mao' });
    expect(plainText(won[0]!.text)).toMatch(/correct|right|✓/i);
    const round = await t1.app.store.db.selectFrom('rounds').selectAll().orderBy('started_at', 'desc').executeTakeFirstOrThrow();
    expect(round.deck_id).toMatch(/^server:/);
    expect(round.item_id).toBe('house-cat');
    expect(round.status).toBe('ended');
  });

  it('in a second server the deck can be neither seen nor played', async () => {
    expect(text(await run(other, { action: 'list' }))).toBe(plainText(t(other, 'deck.list-empty')));
    expect(text(await run(other, { action: 'show', deck: 'pets' }))).toBe(errorText(other, 'deck-unknown', { deck: 'pets' }));
    const refused = text(await t1.app.dispatcher.run(other, 'play', { deck: 'pets' }));
    expect(refused).toContain('pets');
    expect(await t1.app.store.db.selectFrom('rounds').select('id').where('scope_id', '=', 'discord:g2').execute()).toEqual([]);
  });

  it('export then import gives the same deck', async () => {
    const exported = await run(host, { action: 'export', deck: 'pets' });
    const zip = exported[0]!.images![0]!;
    expect(zip.name).toBe('pets.zip');
    files.serve('/pets.zip', zip.data, 'application/zip');
    const imported = text(await run(other, { action: 'import', file: files.ref('/pets.zip', zip.data, { contentType: 'application/zip' }) }));
    expect(imported).toContain('pets');
    const a = await t1.app.serverDecks.deckForPlay('discord:g1', 'pets');
    const b = await t1.app.serverDecks.deckForPlay('discord:g2', 'pets');
    const strip = (d: typeof a) => d!.items.map(({ image: _i, ...rest }) => rest);
    expect(strip(b)).toEqual(strip(a));
    const pa = await t1.app.serverDecks.picture(t1.app.store.db, a!.id, 'house-cat');
    const pb = await t1.app.serverDecks.picture(t1.app.store.db, b!.id, 'house-cat');
    // The import re-encodes (every picture passes the same checks as an upload): same size, same picture.
    const [ra, rb] = await Promise.all([pa!.image, pb!.image].map((img) => sharp(img).raw().toBuffer({ resolveWithObject: true })));
    expect([rb!.info.width, rb!.info.height]).toEqual([ra!.info.width, ra!.info.height]);
    let diff = 0;
    for (let i = 0; i < ra!.data.length; i++) diff += Math.abs(ra!.data[i]! - rb!.data[i]!);
    expect(diff / ra!.data.length).toBeLessThan(3);
  });
});
