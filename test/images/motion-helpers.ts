/** Checks shared by the motion tests: the GIF decoded by sharp, and block means computed the slow, obvious way. */
import sharp from 'sharp';
import { expect } from 'vitest';

/** Area means of an n x n grid over a square picture whose side is a multiple of n, rounded half up. */
export function naiveMeans(d: { data: Uint8Array; width: number; height: number }, n: number): Uint8Array {
  expect(d.width).toBe(d.height);
  expect(d.width % n).toBe(0);
  const b = d.width / n;
  const out = new Uint8Array(n * n * 3);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      for (let ch = 0; ch < 3; ch++) {
        let sum = 0;
        for (let y = r * b; y < (r + 1) * b; y++) for (let x = c * b; x < (c + 1) * b; x++) sum += d.data[(y * d.width + x) * 3 + ch]!;
        out[(r * n + c) * 3 + ch] = Math.floor(sum / (b * b) + 0.5);
      }
    }
  }
  return out;
}

/** The GIF as sharp decodes it: every page composited, and the pages that end a frame (a delay). */
export async function gifFrames(gif: Uint8Array): Promise<{ frames: Buffer[]; pages: number; width: number }> {
  const meta = await sharp(gif).metadata();
  expect(meta.format).toBe('gif');
  const { data, info } = await sharp(gif, { pages: -1 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const page = (info.pageHeight ?? info.height) * info.width * 3;
  const delays = meta.delay ?? [];
  const frames: Buffer[] = [];
  for (let p = 0; p < (meta.pages ?? 1); p++) if ((delays[p] ?? 0) > 0) frames.push(data.subarray(p * page, (p + 1) * page));
  return { frames, pages: meta.pages ?? 1, width: info.width };
}

/** Every display pixel of every block equals that block's expected mean. */
export function expectBlocks(frame: Buffer, size: number, n: number, means: Uint8Array, what: string): void {
  let bad = 0;
  for (let y = 0; y < size; y++) {
    const r = Math.floor((y * n) / size);
    for (let x = 0; x < size; x++) {
      const c = Math.floor((x * n) / size);
      for (let ch = 0; ch < 3; ch++) if (frame[(y * size + x) * 3 + ch] !== means[(r * n + c) * 3 + ch]) bad++;
    }
  }
  expect(bad, what).toBe(0);
}
