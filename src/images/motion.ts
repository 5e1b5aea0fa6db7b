/**
 * Motion ladders: the picture ladder of an item with 2-8 frames. Every frame goes through the
 * still ladder's exact block means (ladder.ts), cut at the square of the first frame so nothing
 * jumps between frames, and each step becomes one looping animated GIF at the display size.
 *
 * Exactness in a GIF: a GIF image holds at most 256 colours, and a 32x32 or 64x64 step can have
 * more distinct means than that. So a frame is written as one or more sub-images of whole block
 * rows, each with its own palette holding its blocks' means exactly (no quantisation, no dither);
 * only the last sub-image of a frame carries the frame's delay. A frame after the first writes
 * only the rectangle of blocks that changed since the one before (disposal "keep"), which keeps
 * most frames to one sub-image and the file small. Frames 2×2 to 16×16 (≤ 256 blocks) are always
 * one sub-image.
 */
import { createHash } from 'node:crypto';
import omggif from 'omggif';
import { STEP_SIDES } from '../core/game/steps.ts';
import { ImageDecodeError } from './image-input.ts';
import {
  contentDigest,
  decodePages,
  decodePicture,
  measureDecoded,
  normalizeFocus,
  normalizeSize,
  type CropBox,
  type DecodedRgb,
  type Focus,
} from './ladder.ts';

export const MIN_MOTION_FRAMES = 2;
export const MAX_MOTION_FRAMES = 8;
/** Each frame is shown this long (GIF delays are in hundredths of a second). */
export const MOTION_FRAME_CS = 12;
/** Bumped whenever the bytes of a motion ladder change. */
export const MOTION_FORMAT = 1;

export interface MotionLadder {
  hash: string;
  size: number;
  /** means[step][frame]: raw RGB, STEP_SIDES[step]^2 * 3 bytes. */
  means: Uint8Array[][];
  /** One animated GIF (size x size, looping) per step. */
  steps: Uint8Array[];
  crop: CropBox;
}

export interface MotionOptions {
  size?: number;
  focus?: Focus;
}

/** The identity of a motion ladder: its format, the frames' bytes in order, the size and the focus. */
export function motionKey(sources: readonly Uint8Array[], opts: MotionOptions = {}): string {
  const size = normalizeSize(opts.size);
  const focus = normalizeFocus(opts.focus);
  const h = createHash('sha256').update(`emergence-motion/${MOTION_FORMAT}\n${size}\n${focus ? `${focus.x},${focus.y}` : 'attention'}\n`);
  for (const s of sources) h.update(`${contentDigest(s)}\n`);
  return h.digest('hex');
}

/**
 * The frames of a motion item: several stills (a built-in deck's `frames`), or one animated
 * GIF or WebP (a server deck's stored item), decoded as the ladder decodes a still.
 */
export async function decodeMotion(sources: readonly Uint8Array[]): Promise<DecodedRgb[]> {
  const frames = sources.length === 1 ? await decodePages(sources[0]!) : await Promise.all(sources.map((s) => decodePicture(s)));
  if (frames.length < MIN_MOTION_FRAMES || frames.length > MAX_MOTION_FRAMES) {
    throw new ImageDecodeError(`a motion item has ${MIN_MOTION_FRAMES}-${MAX_MOTION_FRAMES} frames, not ${frames.length}`);
  }
  return frames;
}

/** Build the motion ladder: exact means of every frame at every step, and one GIF per step. */
export async function buildMotionLadder(sources: readonly Uint8Array[], opts: MotionOptions = {}): Promise<MotionLadder> {
  const size = normalizeSize(opts.size);
  const focus = normalizeFocus(opts.focus);
  const frames = await decodeMotion(sources);
  const first = await measureDecoded(frames[0]!, focus);
  const rest = [];
  for (const d of frames.slice(1)) rest.push(await measureDecoded(d, focus, first.crop));
  const perFrame = [first, ...rest].map((m) => m.means);
  const means = STEP_SIDES.map((_, i) => perFrame.map((f) => f[i]!));
  const steps = means.map((m, i) => encodeMotionGif(m, STEP_SIDES[i]!, size));
  return { hash: motionKey(sources, { size, focus }), size, means, steps, crop: first.crop };
}

/** First display pixel of each block (and `size` at the end): block j covers start[j]..start[j+1]-1, as in the still ladder. */
function blockStarts(size: number, n: number): Int32Array {
  const s = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) s[j] = Math.ceil((j * size) / n);
  return s;
}

/** The rectangle of blocks where two frames differ; a single block when they are the same. */
function changedBox(a: Uint8Array | undefined, b: Uint8Array, n: number): { r0: number; r1: number; c0: number; c1: number } {
  if (!a) return { r0: 0, r1: n, c0: 0, c1: n };
  let r0 = n;
  let r1 = 0;
  let c0 = n;
  let c1 = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const k = (r * n + c) * 3;
      if (a[k] !== b[k] || a[k + 1] !== b[k + 1] || a[k + 2] !== b[k + 2]) {
        if (r < r0) r0 = r;
        if (r >= r1) r1 = r + 1;
        if (c < c0) c0 = c;
        if (c >= c1) c1 = c + 1;
      }
    }
  }
  return r1 === 0 ? { r0: 0, r1: 1, c0: 0, c1: 1 } : { r0, r1, c0, c1 };
}

const rgbAt = (m: Uint8Array, k: number): number => (m[k]! << 16) | (m[k + 1]! << 8) | m[k + 2]!;

/**
 * An animated GIF of n x n block frames drawn at size x size (nearest neighbour), each block
 * holding its mean exactly. See the file comment for the sub-images.
 */
export function encodeMotionGif(frames: readonly Uint8Array[], n: number, size: number, delayCs = MOTION_FRAME_CS): Uint8Array {
  const starts = blockStarts(size, n);
  // An upper bound for omggif's output: LZW codes are at most 12 bits a pixel, plus palettes and headers.
  const buf = Buffer.allocUnsafe(64 + frames.length * (size * size * 2) + frames.length * n * 1024);
  const gif = new omggif.GifWriter(buf, size, size, { loop: 0 });
  frames.forEach((m, f) => {
    if (m.length !== n * n * 3) throw new RangeError(`frame ${f + 1} is not ${n}x${n}`);
    const box = changedBox(frames[f - 1], m, n);
    // Whole block rows, as many as 256 colours allow.
    const bands: [number, number][] = [];
    let from = box.r0;
    let seen = new Set<number>();
    for (let r = box.r0; r < box.r1; r++) {
      const row = new Set<number>();
      for (let c = box.c0; c < box.c1; c++) row.add(rgbAt(m, (r * n + c) * 3));
      const merged = new Set([...seen, ...row]);
      if (merged.size > 256) {
        bands.push([from, r]);
        from = r;
        seen = row;
      } else seen = merged;
    }
    bands.push([from, box.r1]);
    bands.forEach(([r0, r1], b) => {
      const x0 = starts[box.c0]!;
      const w = starts[box.c1]! - x0;
      const y0 = starts[r0]!;
      const h = starts[r1]! - y0;
      const index = new Map<number, number>();
      const palette: number[] = [];
      const pixels = new Uint8Array(w * h);
      // One line of indices per block row, repeated down the block's pixel rows.
      for (let r = r0; r < r1; r++) {
        const line = new Uint8Array(w);
        for (let c = box.c0; c < box.c1; c++) {
          const rgb = rgbAt(m, (r * n + c) * 3);
          let i = index.get(rgb);
          if (i === undefined) {
            i = palette.length;
            index.set(rgb, i);
            palette.push(rgb);
          }
          line.fill(i, starts[c]! - x0, starts[c + 1]! - x0);
        }
        for (let y = starts[r]!; y < starts[r + 1]!; y++) pixels.set(line, (y - y0) * w);
      }
      let length = 2;
      while (length < palette.length) length *= 2;
      while (palette.length < length) palette.push(0);
      gif.addFrame(x0, y0, w, h, pixels, { palette, disposal: 1, delay: b === bands.length - 1 ? delayCs : 0 });
    });
  });
  const end = gif.end();
  return new Uint8Array(buf.subarray(0, end));
}

/** 'step-3.gif' for step 3 of a motion item. */
export function motionStepFileName(step: number): string {
  return `step-${step}.gif`;
}
