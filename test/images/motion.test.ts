import { beforeAll, describe, expect, it } from 'vitest';
import { STEP_SIDES } from '../../src/core/game/steps.ts';
import { loadDecks, readItemImage, type DeckCatalog } from '../../src/images/decks.ts';
import { decodePicture } from '../../src/images/ladder.ts';
import { buildMotionLadder, encodeMotionGif } from '../../src/images/motion.ts';
import { readFile } from 'node:fs/promises';
import { expectBlocks, gifFrames, naiveMeans } from './motion-helpers.ts';

const SIZE = 256;

describe('the built-in motion deck', () => {
  let catalog: DeckCatalog;
  beforeAll(async () => {
    catalog = await loadDecks();
  });

  it('has at least the four actions, each of 2-8 frames, asked as actions', () => {
    const deck = catalog.get('motion')!;
    expect(deck.items.map((i) => i.id)).toEqual(['waving-fan', 'swinging-pendulum', 'bouncing-ball', 'turning-windmill']);
    for (const item of deck.items) {
      expect(item.frames!.length).toBeGreaterThanOrEqual(2);
      expect(item.frames!.length).toBeLessThanOrEqual(8);
    }
  });

  it('matches what the build script draws', async () => {
    const { motionDeck } = await import('../../src/images/build-motion-deck.ts');
    const deck = catalog.get('motion')!;
    for (const [name, text] of motionDeck().files) expect(await readFile(`${deck.dir}/${name}`, 'utf8'), name).toBe(text);
  });

  it('makes an animated GIF per step whose every frame holds the exact block means of that frame', async () => {
    const deck = catalog.get('motion')!;
    for (const item of deck.items) {
      const sources = await Promise.all(catalog.framePaths(deck, item).map((p) => readFile(p)));
      const ladder = await buildMotionLadder(sources, { size: SIZE });
      const decoded = await Promise.all(sources.map((s) => decodePicture(s)));
      expect(ladder.steps).toHaveLength(STEP_SIDES.length);
      for (const [i, n] of STEP_SIDES.entries()) {
        const expected = decoded.map((d) => naiveMeans(d, n));
        expect(ladder.means[i]).toEqual(expected);
        const gif = await gifFrames(ladder.steps[i]!);
        expect(gif.width).toBe(SIZE);
        expect(gif.frames.length, `${item.id} step ${i + 1}`).toBe(sources.length);
        gif.frames.forEach((f, k) => expectBlocks(f, SIZE, n, expected[k]!, `${item.id} step ${i + 1} frame ${k + 1}`));
      }
      // It moves: at 64x64 the frames differ.
      expect(new Set(ladder.means[5]!.map((m) => Buffer.from(m).toString('hex'))).size).toBeGreaterThan(1);
    }
  }, 120_000);

  it('keeps the still of each item as its first frame', async () => {
    const deck = catalog.get('motion')!;
    for (const item of deck.items) {
      const still = await readItemImage(deck, item);
      const first = await readFile(catalog.framePaths(deck, item)[0]!);
      expect(Buffer.from(still).equals(first)).toBe(true);
    }
  });
});

describe('encodeMotionGif', () => {
  it('stays exact with more than 256 colours in a frame (sub-images of block rows)', async () => {
    const n = 64;
    const frames = [0, 1].map((f) => {
      const m = new Uint8Array(n * n * 3);
      for (let k = 0; k < n * n; k++) {
        m[k * 3] = k & 0xff;
        m[k * 3 + 1] = (k >> 8) * 40 + f;
        m[k * 3 + 2] = (k * 7 + f * 13) & 0xff;
      }
      return m;
    });
    const size = 100; // not a multiple of 64: blocks differ by a pixel
    const gif = await gifFrames(encodeMotionGif(frames, n, size));
    expect(gif.pages).toBeGreaterThan(2);
    expect(gif.frames).toHaveLength(2);
    gif.frames.forEach((f, k) => expectBlocks(f, size, n, frames[k]!, `frame ${k + 1}`));
  });
});
