/**
 * Ladder benchmark: cold build vs decode-only, vs a typical jimp ladder, cached gets, bytes.
 * Figures for the Mona Lisa (test/fixtures/mona-lisa.jpg, 687x1024) under plain keys, and for a
 * 1024 px photo (test/fixtures/photo-1024.jpg, 1024x984) under `photo_` keys. Times in ms
 * (medians), sizes in bytes. Prints nothing.
 *
 * Cold builds and decodes are measured in alternation, so that a slow patch of the machine
 * hits both alike.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { buildLadder, STEP_SIZES } from '../images/ladder.ts';
import { LadderCache } from '../images/ladder-cache.ts';

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);
const ROUNDS = 25;
const JIMP_RUNS = 3;
const CACHED_GETS = 300;
const SIZE = 512;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

/** The same six-step ladder the way many bots do it with jimp: cover, pixelate, encode PNG. */
async function jimpLadder(source: Buffer): Promise<number> {
  const { Jimp } = await import('jimp');
  const image = await Jimp.read(source);
  image.cover({ w: SIZE, h: SIZE });
  let bytes = 0;
  for (const n of STEP_SIZES) {
    const step = image.clone().pixelate(SIZE / n);
    bytes += (await step.getBuffer('image/png')).length;
  }
  return bytes;
}

async function benchPicture(file: string): Promise<Record<string, number>> {
  const source = await readFile(fileURLToPath(new URL(file, FIXTURES)));
  const decode = () => sharp(source).raw().toBuffer();
  const cold = () => buildLadder(source, { size: SIZE });
  const focused = () => buildLadder(source, { size: SIZE, focus: { x: 0.5, y: 0.5 } });

  for (let i = 0; i < 3; i++) {
    await decode();
    await cold();
    await focused();
  }
  const decodeMs: number[] = [];
  const coldMs: number[] = [];
  const focusMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    decodeMs.push(await timed(decode));
    coldMs.push(await timed(cold));
    focusMs.push(await timed(focused));
  }

  await jimpLadder(source); // warm-up (module load, JIT)
  const jimpMs: number[] = [];
  for (let i = 0; i < JIMP_RUNS; i++) jimpMs.push(await timed(() => jimpLadder(source)));

  const cache = new LadderCache({ dir: null });
  const ladder = await cache.get(source, { size: SIZE });
  const cachedMs: number[] = [];
  for (let i = 0; i < CACHED_GETS; i++) cachedMs.push(await timed(() => cache.get(source, { size: SIZE })));

  const ladderCold = median(coldMs);
  const decodeOnly = median(decodeMs);
  const jimp = median(jimpMs);
  return {
    ladder_cold_ms: round(ladderCold),
    decode_ms: round(decodeOnly),
    ladder_vs_decode: round(ladderCold / decodeOnly),
    ladder_focus_ms: round(median(focusMs)),
    ladder_focus_vs_decode: round(median(focusMs) / decodeOnly),
    jimp_ms: round(jimp),
    speedup_vs_jimp: round(jimp / ladderCold, 1),
    ladder_cached_ms: round(median(cachedMs), 4),
    ladder_bytes: ladder.steps.reduce((sum, png) => sum + png.length, 0),
  };
}

export async function benchLadder(): Promise<Record<string, number>> {
  const mona = await benchPicture('mona-lisa.jpg');
  const photo = await benchPicture('photo-1024.jpg');
  const out: Record<string, number> = { ...mona };
  for (const [k, v] of Object.entries(photo)) out[`photo_${k}`] = v;
  return out;
}
