/**
 * Ladder benchmark: cold build vs decode-only, vs a typical jimp ladder, cached gets, bytes.
 * Figures for the Mona Lisa as the game plays it (the masterpieces deck's picture, 687x1024, with
 * the deck's focus point) under plain keys, and for a 1024 px photo with no focus point
 * (test/fixtures/photo-1024.jpg, 1024x984, sharp's attention crop) under `photo_` keys.
 * `ladder_attention_*` is the same picture cropped by attention instead of its focus point. Times in ms
 * (medians), sizes in bytes. Prints nothing.
 *
 * Cold builds and decodes are measured in alternation, so that a slow patch of the machine
 * hits both alike.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { loadDecks } from '../images/decks.ts';
import { STEP_SIDES } from '../core/game/steps.ts';
import { buildLadder, type Focus } from '../images/ladder.ts';
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
  for (const n of STEP_SIDES) {
    const step = image.clone().pixelate(SIZE / n);
    bytes += (await step.getBuffer('image/png')).length;
  }
  return bytes;
}

async function benchPicture(path: string, focus?: Focus): Promise<Record<string, number>> {
  const source = await readFile(path);
  const decode = () => sharp(source).raw().toBuffer();
  // What a round does for this picture: the deck's focus point if it has one, else attention.
  const cold = () => buildLadder(source, { size: SIZE, focus });
  const attention = () => buildLadder(source, { size: SIZE });

  for (let i = 0; i < 3; i++) {
    await decode();
    await cold();
    await attention();
  }
  const decodeMs: number[] = [];
  const coldMs: number[] = [];
  const attentionMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    decodeMs.push(await timed(decode));
    coldMs.push(await timed(cold));
    attentionMs.push(await timed(attention));
  }

  await jimpLadder(source); // warm-up (module load, JIT)
  const jimpMs: number[] = [];
  for (let i = 0; i < JIMP_RUNS; i++) jimpMs.push(await timed(() => jimpLadder(source)));

  const cache = new LadderCache({ dir: null });
  const ladder = await cache.get(source, { size: SIZE, focus });
  const cachedMs: number[] = [];
  for (let i = 0; i < CACHED_GETS; i++) cachedMs.push(await timed(() => cache.get(source, { size: SIZE, focus })));

  const ladderCold = median(coldMs);
  const decodeOnly = median(decodeMs);
  const jimp = median(jimpMs);
  return {
    ladder_cold_ms: round(ladderCold),
    decode_ms: round(decodeOnly),
    ladder_vs_decode: round(ladderCold / decodeOnly),
    ladder_attention_ms: round(median(attentionMs)),
    ladder_attention_vs_decode: round(median(attentionMs) / decodeOnly),
    jimp_ms: round(jimp),
    speedup_vs_jimp: round(jimp / ladderCold, 1),
    ladder_cached_ms: round(median(cachedMs), 4),
    ladder_bytes: ladder.steps.reduce((sum, png) => sum + png.length, 0),
  };
}

export async function benchLadder(): Promise<Record<string, number>> {
  const decks = await loadDecks();
  const deck = decks.get('masterpieces')!;
  const item = deck.items.find((i) => i.id === 'mona-lisa')!;
  const mona = await benchPicture(decks.imagePath(deck, item), item.focus);
  const photo = await benchPicture(fileURLToPath(new URL('photo-1024.jpg', FIXTURES)));
  const out: Record<string, number> = { ...mona };
  for (const [k, v] of Object.entries(photo)) out[`photo_${k}`] = v;
  return out;
}
