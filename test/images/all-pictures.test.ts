/**
 * Every built-in picture plays: its ladder is built the way a round builds it (LadderCache.getFile
 * with the item's focus), and each of the six steps decodes to the display size with the step's
 * block colours. Two flags (bb, gu) once failed here: their SVG view boxes exceed sharp's pixel
 * limit. A small display size keeps this quick; the decode of each picture is the same at any size.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadDecks } from '../../src/images/decks.ts';
import { LadderCache } from '../../src/images/ladder-cache.ts';
import { STEP_SIDES } from '../../src/core/game/steps.ts';

const SIZE = 64;

describe('every built-in picture', () => {
  it('builds a ladder whose six steps decode at the display size', async () => {
    const catalog = await loadDecks();
    const items = catalog.list().flatMap((deck) => deck.items.map((item) => ({ deck, item })));
    expect(items.length).toBe(271);
    const cache = new LadderCache({ dir: null, max: 2 });
    const failures: string[] = [];
    for (const { deck, item } of items) {
      const name = `${deck.id}/${item.id}`;
      try {
        const ladder = await cache.getFile(catalog.imagePath(deck, item), { size: SIZE, focus: item.focus });
        expect(ladder.steps.length).toBe(STEP_SIDES.length);
        for (const [i, png] of ladder.steps.entries()) {
          const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
          expect([info.width, info.height, info.channels], `${name} step ${i + 1}`).toEqual([SIZE, SIZE, 3]);
          // The last pixel lies in the last block: its colour is that block's mean.
          const n = STEP_SIDES[i]!;
          const means = ladder.means[i]!;
          const last = (n * n - 1) * 3;
          expect([...data.subarray(data.length - 3)], `${name} step ${i + 1}`).toEqual([...means.subarray(last, last + 3)]);
        }
      } catch (e) {
        failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(cache.stats.builds).toBe(items.length);
  }, 180_000);
});
