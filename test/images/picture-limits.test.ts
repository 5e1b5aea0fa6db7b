/**
 * Pictures that must be refused: not an image, or more raster pixels than MAX_INPUT_PIXELS. They
 * are refused from their header (nothing decoded), by deck loading and `deck validate` with a
 * message naming the file, and by the ladder. A picture that breaks only when played gets the
 * player a plain answer, not the internal-error one.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as deckCli } from '../../src/cli/deck.ts';
import { isUserError } from '../../src/core/errors.ts';
import { plainText } from '../../src/core/reply.ts';
import { DeckError, loadDeck } from '../../src/images/decks.ts';
import { decodeOptions, MAX_INPUT_PIXELS, readImageHeader } from '../../src/images/image-input.ts';
import { LadderCache } from '../../src/images/ladder-cache.ts';
import { buildLadder, ImageDecodeError } from '../../src/images/ladder.ts';
import { t as translate } from '../../src/views/i18n.ts';
import { caller, makeTestApp, runningRound } from '../fakes/test-app.ts';

let tmp: string;
let smallJpeg: Buffer;
const files: Record<string, string> = {};

/**
 * A real, valid PNG of one colour (1-bit greyscale), written without holding its pixels: every
 * row is the same, so the deflated data stays tiny however large the picture claims to be.
 */
function solidPng(width: number, height: number): Buffer {
  const row = Buffer.alloc(1 + Math.ceil(width / 8)); // filter 0, all pixels black
  const deflate = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)), { level: 9 });
  const chunk = (type: string, data: Buffer): Buffer => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflate),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function deckJson(id: string, image: string): string {
  return JSON.stringify({
    id,
    name: { en: id, zh: id },
    description: { en: 'test', zh: '测试' },
    items: [
      {
        id: 'a',
        image,
        answers: { en: 'a thing', zh: '东西' },
        category: { en: 'thing', zh: '东西' },
        famous: false,
        credit: 'test',
        licence: 'CC0',
      },
    ],
  });
}

async function deckWith(id: string, picture: Buffer, name: string): Promise<string> {
  const dir = path.join(tmp, 'decks', id);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, name), picture);
  await writeFile(path.join(dir, 'deck.json'), deckJson(id, name));
  return dir;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'emergence-limits-'));
  smallJpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366aa' } }).jpeg().toBuffer();
  const big20 = solidPng(20000, 20000);
  const big16 = solidPng(16000, 16000);
  files['not-an-image'] = await deckWith('not-an-image', Buffer.from('just some text, not a picture\n'), 'picture.png');
  files['png-20000'] = await deckWith('png-20000', big20, 'huge.png');
  files['png-16000'] = await deckWith('png-16000', big16, 'large.png');
  // What the files claim, as sharp reads them: real PNGs of that size, and small.
  expect(await sharp(big20, { limitInputPixels: false }).metadata()).toMatchObject({ format: 'png', width: 20000, height: 20000 });
  expect(await sharp(big16, { limitInputPixels: false }).metadata()).toMatchObject({ format: 'png', width: 16000, height: 16000 });
  expect(big16.length).toBeLessThan(1_000_000);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the pixel limit', () => {
  it('is 40 MP, well under sharp’s default', () => {
    expect(MAX_INPUT_PIXELS).toBe(40_000_000);
  });

  it('refuses from the header a raster picture over it, and takes one under it', async () => {
    await expect(readImageHeader(path.join(files['png-20000']!, 'huge.png'))).rejects.toThrow(
      /too large: 20000×20000 pixels \(400 MP\); the limit is 40 MP/,
    );
    await expect(readImageHeader(path.join(files['png-16000']!, 'large.png'))).rejects.toThrow(/too large: 16000×16000 pixels \(256 MP\)/);
    await expect(readImageHeader(solidPng(6000, 6000))).resolves.toEqual({ format: 'png', width: 6000, height: 6000 });
    await expect(readImageHeader(Buffer.from('not a picture'))).rejects.toThrow(/not an image/);
    await expect(readImageHeader(Buffer.alloc(0))).rejects.toThrow(/not an image/);
  });

  it('does not apply to SVG, whose drawing is sized instead', async () => {
    // A view box of 40000×30000 "pixels" (1.2 GP) draws at a bounded size.
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40000 30000"><rect width="40000" height="30000" fill="#c00"/></svg>');
    const header = await readImageHeader(svg);
    expect(header).toMatchObject({ format: 'svg', width: 40000, height: 30000 });
    const { info } = await sharp(svg, decodeOptions(header, { minSide: 256, maxSide: 1024 })).raw().toBuffer({ resolveWithObject: true });
    expect(info.width * info.height).toBeLessThanOrEqual(MAX_INPUT_PIXELS);
    expect(Math.min(info.width, info.height)).toBeGreaterThanOrEqual(256);
    const ladder = await buildLadder(svg, { size: 64 });
    expect([...ladder.means[0]!.subarray(0, 3)]).toEqual([204, 0, 0]);
    // A long thin one is drawn under the pixel budget, not at its short side's wish.
    const thin = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2000000 100"><rect width="2000000" height="100" fill="#00c"/></svg>');
    const thinHeader = await readImageHeader(thin);
    const thinInfo = (await sharp(thin, decodeOptions(thinHeader, { minSide: 256, maxSide: 1024 })).raw().toBuffer({ resolveWithObject: true })).info;
    expect(thinInfo.width * thinInfo.height).toBeLessThanOrEqual(MAX_INPUT_PIXELS);
  });

  it('makes the ladder refuse such pictures with ImageDecodeError, a user error', async () => {
    for (const bytes of [solidPng(20000, 20000), Buffer.from('text')]) {
      const e = await buildLadder(bytes, { size: 64 }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ImageDecodeError);
      expect(isUserError(e) && e.code).toBe('picture-unreadable');
    }
  });
});

describe('deck loading and deck validate', () => {
  for (const [id, file, why] of [
    ['not-an-image', 'picture.png', /not an image/],
    ['png-20000', 'huge.png', /too large: 20000×20000/],
    ['png-16000', 'large.png', /too large: 16000×16000/],
  ] as const) {
    it(`refuses ${id}, naming the file`, async () => {
      const dir = files[id]!;
      const e = await loadDeck(dir).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(DeckError);
      const message = (e as DeckError).message;
      expect(message).toContain(path.join(dir, 'deck.json'));
      expect(message).toContain(`items[0].image: ${path.join(dir, file)}`);
      expect(message).toMatch(why);

      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        expect(await deckCli(['validate', dir])).toBe(1);
        const printed = err.mock.calls.map((c) => String(c[0])).join('');
        expect(printed).toContain(path.join(dir, file));
        expect(printed).toMatch(why);
        expect(out).not.toHaveBeenCalled();
      } finally {
        err.mockRestore();
        out.mockRestore();
      }
    });
  }
});

describe('a picture that breaks after start', () => {
  it('gets the player a plain answer and the operator a log line naming the file', async () => {
    const decksDir = path.join(tmp, 'runtime');
    const dir = path.join(decksDir, 'fragile');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'deck.json'), deckJson('fragile', 'picture.jpg'));
    const picture = path.join(dir, 'picture.jpg');
    await writeFile(picture, smallJpeg);
    const lines: string[] = [];
    const log = pino(
      { level: 'warn' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const t = await makeTestApp({ decksDir, log, defaultDeck: 'fragile' });
    try {
      // Replaced by something else once the decks were loaded.
      await writeFile(picture, 'no longer a picture');
      const host = caller('host', { isHost: true });
      const replies = await t.app.dispatcher.run(host, 'play', { deck: 'fragile', item: 'a' });
      expect(replies.map((r) => plainText(r.text))).toEqual([translate('en', 'errors.picture-unreadable')]);
      expect(replies[0]!.ephemeral).toBe(true);
      expect(lines.join('')).toContain(picture);
      expect(lines.join('')).toContain('picture cannot be played');
      expect(lines.join('')).not.toContain('command failed');
      // The channel is free for another try.
      await writeFile(picture, smallJpeg);
      const again = await t.app.dispatcher.run(host, 'play', { deck: 'fragile', item: 'a' });
      expect(again.map((r) => plainText(r.text)).join(' ')).not.toContain(translate('en', 'errors.picture-unreadable'));
      expect(await runningRound(t.app, host.channelId)).toBeDefined();
    } finally {
      await t.cleanup();
    }
  });

  it('is a user error from the cache too', async () => {
    const file = path.join(tmp, 'junk.png');
    await writeFile(file, 'junk');
    const warn = vi.fn();
    const e = await new LadderCache({ dir: null, log: { warn } }).getFile(file).catch((err: unknown) => err);
    expect(isUserError(e)).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ file }), 'picture cannot be played');
  });
});
