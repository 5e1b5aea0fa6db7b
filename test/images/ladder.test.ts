import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/ladder.ts';
import { LadderCache } from '../../src/images/ladder-cache.ts';
import {
  buildLadder,
  cropSquare,
  ImageDecodeError,
  type Ladder,
  ladderHash,
  makeStrip,
  renderStep,
  squareAround,
  stepFileName,
  stripSize,
  upscale,
} from '../../src/images/ladder.ts';
import { STEP_SIDES } from '../../src/core/game/steps.ts';
import { mulberry32 } from '../../src/core/random.ts';

// ---------------------------------------------------------------------------------------------
// Fixtures, generated here (no dependency on anyone else's files)

/** Raw RGB: a colour gradient with seeded noise, so that every block mean differs. */
function picture(width: number, height: number, seed: number): Buffer {
  const rnd = mulberry32(seed);
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      out[o] = Math.min(255, Math.floor((200 * x) / width + rnd() * 55));
      out[o + 1] = Math.min(255, Math.floor((200 * y) / height + rnd() * 55));
      out[o + 2] = Math.floor(rnd() * 256);
    }
  }
  return out;
}

async function png(raw: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

async function decode(image: Uint8Array): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

interface Chunk {
  type: string;
  data: Buffer;
  crcOk: boolean;
}

/** Walk the chunks of a PNG (independently of the code under test). */
function chunks(bytes: Uint8Array): Chunk[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: Chunk[] = [];
  let at = 8;
  while (at < b.length) {
    const len = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    const data = b.subarray(at + 8, at + 8 + len);
    const crcOk = zlib.crc32(b.subarray(at + 4, at + 8 + len)) === b.readUInt32BE(at + 8 + len);
    out.push({ type, data, crcOk });
    at += 12 + len;
  }
  expect(at).toBe(b.length);
  return out;
}

/** Block means of a raw square computed the plain way: weights by overlap, per block. */
function referenceMeans(square: Buffer, side: number, n: number): Uint8Array {
  // In units of 1/n px: pixel p covers [n*p, n*p+n), block j covers [side*j, side*j+side).
  const overlap = (p: number, j: number) =>
    Math.max(0, Math.min(n * p + n, side * j + side) - Math.max(n * p, side * j));
  const out = new Uint8Array(n * n * 3);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const sum = [0, 0, 0];
      const y0 = Math.floor((side * i) / n);
      const y1 = Math.min(side - 1, Math.floor((side * (i + 1)) / n));
      const x0 = Math.floor((side * j) / n);
      const x1 = Math.min(side - 1, Math.floor((side * (j + 1)) / n));
      for (let y = y0; y <= y1; y++) {
        const wy = overlap(y, i);
        if (!wy) continue;
        for (let x = x0; x <= x1; x++) {
          const w = wy * overlap(x, j);
          if (!w) continue;
          for (let c = 0; c < 3; c++) sum[c] += w * square[(y * side + x) * 3 + c];
        }
      }
      for (let c = 0; c < 3; c++) out[(i * n + j) * 3 + c] = Math.floor(sum[c] / (side * side) + 0.5);
    }
  }
  return out;
}

let tmp: string;
let tallPng: Buffer; // 150 x 230 lossless: side 150, not a multiple of 64
let tallRaw: Buffer;
let widePng: Buffer; // 321 x 256 lossless: side 256, a multiple of 64; odd row length
let wideRaw: Buffer;
let photoJpeg: Buffer; // 300 x 200 JPEG
let ladder: Ladder; // of tallPng, attention

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'ladder-test-'));
  tallRaw = picture(150, 230, 1);
  tallPng = await png(tallRaw, 150, 230);
  wideRaw = picture(321, 256, 2);
  widePng = await png(wideRaw, 321, 256);
  photoJpeg = await sharp(picture(300, 200, 3), { raw: { width: 300, height: 200, channels: 3 } }).jpeg().toBuffer();
  ladder = await buildLadder(tallPng);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('names', () => {
  it('has six steps from 2 to 64 px, files step-1.png … step-6.png', () => {
    expect([...STEP_SIDES]).toEqual([2, 4, 8, 16, 32, 64]);
    expect([1, 2, 3, 4, 5, 6].map(stepFileName)).toEqual([
      'step-1.png',
      'step-2.png',
      'step-3.png',
      'step-4.png',
      'step-5.png',
      'step-6.png',
    ]);
    expect(() => stepFileName(0)).toThrow(RangeError);
    expect(() => stepFileName(7)).toThrow(RangeError);
  });
});

describe('cropSquare', () => {
  it('cuts the square around a focus point from the full-resolution pixels', async () => {
    const { data, side } = await cropSquare(tallPng, { x: 0.5, y: 0.5 });
    expect(side).toBe(150);
    const top = 40; // round(0.5 * 230 - 75)
    expect(data.equals(tallRaw.subarray(top * 150 * 3, (top + 150) * 150 * 3))).toBe(true);
  });

  it('clamps the square inside the picture', async () => {
    const low = await cropSquare(widePng, { x: 1, y: 1 });
    expect(low.side).toBe(256);
    for (const y of [0, 100, 255]) {
      const row = low.data.subarray(y * 256 * 3, (y + 1) * 256 * 3);
      expect(row.equals(wideRaw.subarray((y * 321 + 65) * 3, (y * 321 + 321) * 3))).toBe(true);
    }
    // Clamped offsets are plain zeros (a -0 would not survive JSON, e.g. in the disk cache).
    const box = squareAround(100, 200, { x: 0.5, y: 0.248 }); // 0.248 * 200 - 50 rounds to -0
    expect(Object.is(box.left, 0) && Object.is(box.top, 0)).toBe(true);
    const high = await cropSquare(widePng, { x: 0, y: 0 });
    expect(high.data.subarray(0, 256 * 3).equals(wideRaw.subarray(0, 256 * 3))).toBe(true);
  });

  it('uses attention without a focus point and always gives a square', async () => {
    const { data, side } = await cropSquare(photoJpeg);
    expect(side).toBe(200);
    expect(data.length).toBe(200 * 200 * 3);
  });

  it('applies the EXIF orientation first', async () => {
    // 40x20, left half red, right half blue, stored with orientation 6 (90° clockwise):
    // shown 20x40 with red on top.
    const raw = Buffer.alloc(40 * 20 * 3);
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 40; x++) raw.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
    }
    const jpeg = await sharp(raw, { raw: { width: 40, height: 20, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const top = await cropSquare(jpeg, { x: 0.5, y: 0 });
    expect(top.side).toBe(20);
    const mid = (10 * 20 + 10) * 3;
    expect(top.data[mid]).toBeGreaterThan(200);
    expect(top.data[mid + 2]).toBeLessThan(60);
    const bottom = await cropSquare(jpeg, { x: 0.5, y: 1 });
    expect(bottom.data[mid]).toBeLessThan(60);
    expect(bottom.data[mid + 2]).toBeGreaterThan(200);
  });

  it('flattens transparency onto white', async () => {
    const rgba = await sharp({ create: { width: 64, height: 80, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const { data } = await cropSquare(rgba);
    expect(data.every((v) => v === 255)).toBe(true);
  });

  it('renders SVG with its short side at least 256 px, transparent parts white', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><rect width="10" height="20" fill="#f00"/></svg>',
    );
    const { data, side } = await cropSquare(svg, { x: 0, y: 0.5 });
    expect(side).toBeGreaterThanOrEqual(256);
    const inRed = (Math.floor(side / 2) * side + 10) * 3;
    expect([...data.subarray(inRed, inRed + 3)]).toEqual([255, 0, 0]);
    const last = (side * side - 1) * 3;
    expect([...data.subarray(last, last + 3)]).toEqual([255, 255, 255]);
    // Only a viewBox, with a fractional size (reported rounded up).
    const viewBox = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 71.571 87.246"><circle cx="35" cy="40" r="30"/></svg>');
    expect((await cropSquare(viewBox)).side).toBeGreaterThanOrEqual(256);
    // Huge natural size: drawn smaller, still at least 256.
    const huge = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="7410" height="3900"><rect width="100" height="100"/></svg>');
    const big = await cropSquare(huge);
    expect(big.side).toBeGreaterThanOrEqual(256);
    expect(big.side).toBeLessThanOrEqual(1025);
  });

  it('rejects what is not a picture', async () => {
    await expect(cropSquare(Buffer.from('hello, not an image'))).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(buildLadder(new Uint8Array(0))).rejects.toBeInstanceOf(ImageDecodeError);
  });
});

describe('buildLadder', () => {
  it('has six means of n*n*3 bytes and six PNGs', () => {
    expect(ladder.means.map((m) => m.length)).toEqual(STEP_SIDES.map((n) => n * n * 3));
    expect(ladder.steps).toHaveLength(6);
    expect(ladder.size).toBe(512);
    expect(ladder.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows every step as uniform square blocks of its means, at one display size', async () => {
    for (let i = 0; i < 6; i++) {
      const n = STEP_SIDES[i];
      const img = await decode(ladder.steps[i]);
      expect([img.width, img.height, img.channels]).toEqual([512, 512, 3]);
      const b = 512 / n;
      for (let y = 0; y < 512; y++) {
        for (let x = 0; x < 512; x++) {
          const o = (y * 512 + x) * 3;
          const s = (Math.floor(y / b) * n + Math.floor(x / b)) * 3;
          if (
            img.data[o] !== ladder.means[i][s] ||
            img.data[o + 1] !== ladder.means[i][s + 1] ||
            img.data[o + 2] !== ladder.means[i][s + 2]
          ) {
            throw new Error(`step ${i + 1}: pixel (${x}, ${y}) is not the colour of its block`);
          }
        }
      }
    }
  });

  it('makes each coarser step the 2x2 mean of the next finer one (±1)', () => {
    for (let i = 0; i < 5; i++) {
      const n = STEP_SIDES[i];
      const fine = ladder.means[i + 1];
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) {
          for (let c = 0; c < 3; c++) {
            const at = (yy: number, xx: number) => fine[(yy * 2 * n + xx) * 3 + c];
            const avg = (at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1)) / 4;
            expect(Math.abs(ladder.means[i][(y * n + x) * 3 + c] - avg)).toBeLessThanOrEqual(1);
          }
        }
      }
    }
  });

  it('makes the 64x64 step the exact block means of the crop (side not a multiple of 64)', async () => {
    const { data, side } = await cropSquare(tallPng);
    expect(side).toBe(150);
    expect([...ladder.means[5]]).toEqual([...referenceMeans(data, side, 64)]);
    expect([...ladder.means[0]]).toEqual([...referenceMeans(data, side, 2)]);
  });

  it('makes the 64x64 step the plain block means when the side is a multiple of 64', async () => {
    const wide = await buildLadder(widePng, { focus: { x: 0.55, y: 0.5 } });
    const { data, side } = await cropSquare(widePng, { x: 0.55, y: 0.5 });
    expect(side).toBe(256);
    const means = new Uint8Array(64 * 64 * 3);
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < 64; j++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let y = 4 * i; y < 4 * i + 4; y++) for (let x = 4 * j; x < 4 * j + 4; x++) sum += data[(y * 256 + x) * 3 + c];
          means[(i * 64 + j) * 3 + c] = Math.floor(sum / 16 + 0.5);
        }
      }
    }
    expect([...wide.means[5]]).toEqual([...means]);
    expect(wide.crop).toEqual({ width: 321, height: 256, left: 49, top: 0, side: 256 });
    // Up against the right edge (the last byte of each row counts).
    const right = await buildLadder(widePng, { focus: { x: 1, y: 0 } });
    const edge = await cropSquare(widePng, { x: 1, y: 0 });
    expect([...right.means[5]]).toEqual([...referenceMeans(edge.data, 256, 64)]);
    expect(data.subarray(0, 256 * 3).equals(wideRaw.subarray(49 * 3, (49 + 256) * 3))).toBe(true);
  });

  it('measures pictures smaller than 64 px exactly too (blocks smaller than a pixel)', async () => {
    const raw = picture(20, 30, 4);
    const tiny = await png(raw, 20, 30);
    const small = await buildLadder(tiny, { focus: { x: 0.5, y: 0.2 } });
    const { data, side } = await cropSquare(tiny, { x: 0.5, y: 0.2 });
    expect(side).toBe(20);
    expect([...small.means[5]]).toEqual([...referenceMeans(data, side, 64)]);
    expect([...small.means[2]]).toEqual([...referenceMeans(data, side, 8)]);
  });

  it('keeps the display size constant, also when asked for another one', async () => {
    const small = await buildLadder(photoJpeg, { size: 256 });
    for (const step of small.steps) {
      const ihdr = chunks(step)[0];
      expect([ihdr.data.readUInt32BE(0), ihdr.data.readUInt32BE(4)]).toEqual([256, 256]);
    }
    for (const step of ladder.steps) {
      const ihdr = chunks(step)[0];
      expect([ihdr.data.readUInt32BE(0), ihdr.data.readUInt32BE(4)]).toEqual([512, 512]);
    }
    await expect(buildLadder(photoJpeg, { size: 10 })).rejects.toThrow(RangeError);
  });

  it('writes truecolour PNGs with no metadata: only IHDR, IDAT and IEND', () => {
    for (const step of ladder.steps) {
      const list = chunks(step);
      expect(new Set(list.map((c) => c.type))).toEqual(new Set(['IHDR', 'IDAT', 'IEND']));
      expect(list[0].type).toBe('IHDR');
      expect(list[list.length - 1].type).toBe('IEND');
      expect(list.every((c) => c.crcOk)).toBe(true);
      const ihdr = list[0].data;
      expect(ihdr[8]).toBe(8); // bit depth
      expect(ihdr[9]).toBe(2); // colour type 2: truecolour RGB (3 would be a palette)
      expect(ihdr[12]).toBe(0); // not interlaced
    }
  });

  it('hashes content and options only, never a name', async () => {
    expect(ladder.hash).toBe(ladderHash(tallPng));
    expect(ladderHash(tallPng, { size: 256 })).not.toBe(ladder.hash);
    expect(ladderHash(tallPng, { focus: { x: 0.5, y: 0.5 } })).not.toBe(ladder.hash);
    expect(Object.keys(ladder).sort()).toEqual(['crop', 'hash', 'means', 'size', 'steps']);
  });
});

describe('renderStep', () => {
  it('decodes to the nearest-neighbour upscale, also for sizes that are not multiples of n', async () => {
    const rnd = mulberry32(9);
    for (const [n, size] of [
      [64, 100],
      [3, 64],
      [16, 333],
      [1, 64],
    ]) {
      const means = Uint8Array.from({ length: n * n * 3 }, () => Math.floor(rnd() * 256));
      const png = await renderStep(means, n, size);
      const img = await decode(png);
      expect([img.width, img.height, img.channels]).toEqual([size, size, 3]);
      expect(img.data.equals(upscale(means, n, size))).toBe(true);
    }
  });

  it('handles flat and extreme colours', async () => {
    for (const v of [0, 1, 128, 255]) {
      const means = new Uint8Array(64 * 64 * 3).fill(v);
      const img = await decode(await renderStep(means, 64, 512));
      expect(img.data.every((p) => p === v)).toBe(true);
    }
  });
});

describe('makeStrip', () => {
  it('puts the six steps and the original side by side', async () => {
    const strip = await makeStrip(ladder, tallPng);
    const { width, height } = stripSize();
    expect([width, height]).toEqual([7 * 160 + 6 * 8, 160]);
    const img = await decode(strip);
    expect([img.width, img.height, img.channels]).toEqual([width, height, 3]);
    expect(new Set(chunks(strip).map((c) => c.type))).toEqual(new Set(['IHDR', 'IDAT', 'IEND']));
    // First tile: the 2x2 step; the gap after it is white.
    const tile0 = upscale(ladder.means[0], 2, 160);
    for (const [x, y] of [
      [0, 0],
      [159, 0],
      [0, 159],
      [159, 159],
      [40, 120],
    ]) {
      const o = (y * width + x) * 3;
      expect([...img.data.subarray(o, o + 3)]).toEqual([...tile0.subarray((y * 160 + x) * 3, (y * 160 + x) * 3 + 3)]);
    }
    expect([...img.data.subarray(165 * 3, 165 * 3 + 3)]).toEqual([255, 255, 255]);
  });

  it('takes a tile size and a gap', async () => {
    const img = await decode(await makeStrip(ladder, tallPng, { tile: 100, gap: 4 }));
    expect([img.width, img.height]).toEqual([7 * 100 + 6 * 4, 100]);
  });
});

describe('LadderCache', () => {
  it('returns identical bytes, from memory the second time', async () => {
    const cache = new LadderCache({ dir: path.join(tmp, 'c1') });
    const a = await cache.get(tallPng);
    expect(cache.stats).toMatchObject({ builds: 1, memoryHits: 0, diskHits: 0 });
    const b = await cache.get(Buffer.from(tallPng)); // same content, another buffer
    expect(cache.stats).toMatchObject({ builds: 1, memoryHits: 1 });
    expect(b.hash).toBe(a.hash);
    expect(b.steps.map((s) => Buffer.from(s).toString('base64'))).toEqual(ladder.steps.map((s) => Buffer.from(s).toString('base64')));
  });

  it('loads from disk in a fresh cache without decoding', async () => {
    const dir = path.join(tmp, 'c2');
    const first = new LadderCache({ dir });
    const built = await first.get(tallPng);
    const files = await readdir(path.join(dir, built.hash));
    expect(files.sort()).toEqual(['ladder.json', 'means.bin', ...[1, 2, 3, 4, 5, 6].map(stepFileName)].sort());

    const fresh = new LadderCache({ dir });
    const loaded = await fresh.get(tallPng);
    expect(fresh.stats).toMatchObject({ builds: 0, diskHits: 1 });
    expect(loaded.means.map((m) => [...m])).toEqual(built.means.map((m) => [...m]));
    expect(loaded.steps.every((s, i) => Buffer.from(s).equals(built.steps[i]))).toBe(true);
    expect(loaded.crop).toEqual(built.crop);
    await fresh.get(tallPng);
    expect(fresh.stats).toMatchObject({ builds: 0, diskHits: 1, memoryHits: 1 });
  });

  it('rebuilds a damaged disk entry', async () => {
    const dir = path.join(tmp, 'c3');
    const built = await new LadderCache({ dir }).get(photoJpeg);
    await writeFile(path.join(dir, built.hash, stepFileName(4)), 'garbage');
    const fresh = new LadderCache({ dir });
    const again = await fresh.get(photoJpeg);
    expect(fresh.stats).toMatchObject({ builds: 1, diskHits: 0 });
    expect(Buffer.from(again.steps[3]).equals(built.steps[3])).toBe(true);
    const third = new LadderCache({ dir });
    await third.get(photoJpeg);
    expect(third.stats).toMatchObject({ builds: 0, diskHits: 1 });
  });

  it('shares one build between concurrent requests', async () => {
    const cache = new LadderCache({ dir: null });
    const all = await Promise.all([cache.get(widePng), cache.get(widePng), cache.get(widePng)]);
    expect(cache.stats).toMatchObject({ builds: 1, joins: 2 });
    expect(all[1]).toBe(all[0]);
    expect(all[2]).toBe(all[0]);
  });

  it('keys by options too', async () => {
    const cache = new LadderCache({ dir: null });
    const a = await cache.get(photoJpeg, { size: 256 });
    const b = await cache.get(photoJpeg, { size: 512 });
    expect(a.hash).not.toBe(b.hash);
    expect(cache.stats.builds).toBe(2);
  });

  it('serves files, remembering their digest while they are unchanged', async () => {
    const file = path.join(tmp, 'picture.png');
    await writeFile(file, widePng);
    const cache = new LadderCache({ dir: null });
    const a = await cache.getFile(file);
    const b = await cache.getFile(file);
    expect(b).toBe(a);
    expect(cache.stats).toMatchObject({ builds: 1, memoryHits: 1 });
    await writeFile(file, tallPng);
    const c = await cache.getFile(file);
    expect(c.hash).toBe(ladder.hash);
    expect(cache.stats.builds).toBe(2);
    await expect(cache.getFile(path.join(tmp, 'missing.png'))).rejects.toThrow(/ENOENT/);
  });

  it('caches the strip next to the ladder, and serves it from there', async () => {
    const dir = path.join(tmp, 'c4');
    const cache = new LadderCache({ dir, log: { warn: () => {} } });
    const strip = await cache.strip(tallPng, { tile: 64 });
    const img = await decode(strip);
    expect([img.width, img.height]).toEqual([7 * 64 + 6 * 8, 64]);
    expect(await cache.strip(tallPng, { tile: 64 })).toBe(strip); // the same bytes from memory, not drawn again

    // On disk beside the ladder; a fresh cache serves that file, whatever it holds.
    const file = path.join(dir, ladder.hash, 'strip-64-d.png');
    expect(Buffer.from(await readFile(file)).equals(Buffer.from(strip))).toBe(true);
    const marker = await png(picture(10, 10, 99), 10, 10);
    await writeFile(file, marker);
    const fromDisk = await new LadderCache({ dir }).strip(tallPng, { tile: 64 });
    expect(Buffer.from(fromDisk).equals(marker)).toBe(true);
  });

  it('logs a disk write that fails, and still serves the ladder', async () => {
    const blocker = path.join(tmp, 'a-file');
    await writeFile(blocker, 'not a folder');
    const warn = vi.fn();
    const cache = new LadderCache({ dir: path.join(blocker, 'ladders'), log: { warn } });
    const got = await cache.get(tallPng);
    expect(got.steps.map((s) => Buffer.from(s).toString('base64'))).toEqual(ladder.steps.map((s) => Buffer.from(s).toString('base64')));
    expect(cache.stats.diskErrors).toBeGreaterThanOrEqual(1);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.objectContaining({ code: 'ENOTDIR' }) }),
      'ladder cache: writing a ladder failed (the picture is still served)',
    );
    warn.mockClear();
    await cache.strip(tallPng, { tile: 64 });
    expect(warn).toHaveBeenCalledWith(expect.anything(), 'ladder cache: writing a strip failed (the picture is still served)');
  });
});

describe('cli ladder', () => {
  it('writes the six steps and the strip', async () => {
    const image = path.join(tmp, 'secret-answer-name.jpg');
    await writeFile(image, photoJpeg);
    const out = path.join(tmp, 'out', 'nested');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await run([image, '--out', out, '--size', '256'])).toBe(0);
    } finally {
      stdout.mockRestore();
    }
    const files = (await readdir(out)).sort();
    expect(files).toEqual([...[1, 2, 3, 4, 5, 6].map(stepFileName), 'strip.png'].sort());
    for (const f of files.filter((f) => f.startsWith('step-'))) {
      const img = await decode(await readFile(path.join(out, f)));
      expect([img.width, img.height]).toEqual([256, 256]);
    }
    const strip = await decode(await readFile(path.join(out, 'strip.png')));
    expect([strip.width, strip.height]).toEqual([stripSize().width, 160]);
  });

  it('fails clearly on a missing, unreadable or non-image file', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const out = path.join(tmp, 'never');
      expect(await run([path.join(tmp, 'nope.jpg'), '--out', out])).toBe(1);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/cannot read .*nope\.jpg: no such file/);
      const text = path.join(tmp, 'notes.txt');
      await writeFile(text, 'just words');
      expect(await run([text, '--out', out])).toBe(1);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/notes\.txt: not an image/);
      expect(await run([tmp, '--out', out])).toBe(1);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/is a directory/);
      expect(await run([text])).toBe(2);
      expect(await run([text, '--out', out, '--size', 'big'])).toBe(2);
      await expect(readdir(out)).rejects.toThrow(/ENOENT/);
    } finally {
      stderr.mockRestore();
    }
  });
});
