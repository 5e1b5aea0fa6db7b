/**
 * The picture ladder: one picture shown at 2x2, 4x4, 8x8, 16x16, 32x32 and 64x64 pixels.
 *
 * Pipeline (one decode per picture):
 *  1. Decode with sharp: EXIF orientation applied (`rotate()`), alpha flattened onto white,
 *     8-bit sRGB, raw RGB out. SVG input is rendered at a density that makes its short side
 *     at least {@link MIN_SVG_SIDE} px (and at most about {@link MAX_SVG_SIDE} px when its
 *     natural size is larger: it is a vector picture, nothing is lost).
 *  2. Square crop of side min(w, h): centred on the given focus point (fractions of width and
 *     height, clamped inside the picture), or else on the focal point found by sharp's
 *     `attention` strategy. The attention analysis runs on a reduced copy of the decoded
 *     picture (short side ~{@link ATTENTION_SIDE} px), not on the full one: at full size it
 *     costs about as much as the decode itself. It still costs a fixed 6-10 ms of CPU however
 *     small the picture, so it runs on the libuv pool while the offset-independent half of the
 *     means (step 3) is computed on the main thread. On the 28 non-square pictures of
 *     ../shared/images the square lands within 0.5% of the side of where full-size attention
 *     puts it for 26; for two it moves by 11-12% of the side (both crops keep the subject).
 *     The crop itself is cut from the full-resolution pixels.
 *  3. Exact block means. The square is cut into 64x64 blocks of equal *area*: when the side is
 *     not a multiple of 64, a pixel on a block boundary is shared between the neighbouring
 *     blocks with exact fractional weights (integer arithmetic in 1/64 px), so no pixel of
 *     the crop is dropped and every block covers exactly (side/64)^2 px. The weighted sums
 *     stay exact (integers held in float64); each coarser step sums 2x2 blocks of the finer
 *     one, and every step is rounded (half up) once, from its own exact sum. So each pixel of
 *     each step is the exact area mean of its block of the crop, and a coarser step equals the
 *     2x2 mean of the finer one up to rounding (<= 1 per channel). Sharp's resize kernels are
 *     never used for the means. The sums are separable: the pass over every pixel sums along
 *     the short side, which the crop covers whole wherever it is placed, so it runs while the
 *     crop is being searched; the second, cheap pass folds the other axis once the offset is
 *     known.
 *  4. Display: every step is drawn at the same size (default 512x512) with nearest-neighbour
 *     square blocks (when the size is not a multiple of n, blocks differ by at most 1 px).
 *  5. Encoding: a truecolour PNG (colour type 2, 8 bit, never a palette) holding only IHDR, one
 *     IDAT and IEND: no metadata at all. It is written directly from the block grid: scanlines
 *     filtered for the block structure (the first row of a block row with Sub, so only block
 *     edges are non-zero; the rows repeating it with Up, all zero), deflated by zlib (run-length
 *     strategy). About 0.6 ms a step, and ~30 KB for all six steps of a painting at 512 px.
 *
 * Nothing here ever sees or stores the answer: a ladder is identified by a content hash only.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { STEP_SIDES } from '../core/game/steps.ts';
import { decodeOptions, ImageDecodeError, readImageHeader } from './image-input.ts';
import { loadSharp } from './load-sharp.ts';


/** Default display size of every step, in px. */
export const DEFAULT_SIZE = 512;
export const MIN_SIZE = 64;
export const MAX_SIZE = 4096;
/** SVGs are rendered so that their short side is at least this many px... */
export const MIN_SVG_SIDE = 256;
/** ...and (when drawn bigger than that) about this many at most: it's vector, no detail is lost. */
export const MAX_SVG_SIDE = 1024;
/** Short side (about) of the reduced copy the attention analysis runs on. */
export const ATTENTION_SIDE = 160;
/** Bumped whenever the pixels or bytes a ladder is made of change; part of the hash. */
export const LADDER_FORMAT = 1;

const GRID = STEP_SIDES[STEP_SIDES.length - 1];

export interface Focus {
  /** Fraction of the width, 0..1. */
  x: number;
  /** Fraction of the height, 0..1. */
  y: number;
}

export interface LadderOptions {
  /** Display size of every step in px (square). Default 512. */
  size?: number;
  /** Centre of the square crop; without it sharp's attention strategy picks it. */
  focus?: Focus;
}

/** Where the square was cut from the (EXIF-oriented) picture. */
export interface CropBox {
  /** Size of the oriented picture. */
  width: number;
  height: number;
  left: number;
  top: number;
  side: number;
}

export interface Ladder {
  /** Content hash of the source bytes + options (hex sha256). */
  hash: string;
  /** Display size. */
  size: number;
  /** Six raw RGB buffers; step i is STEP_SIDES[i]^2 * 3 bytes. */
  means: Uint8Array[];
  /** Six PNGs of size x size. */
  steps: Uint8Array[];
  /** Where the square was cut, when known. */
  crop?: CropBox;
}

export { ImageDecodeError, MAX_INPUT_PIXELS } from './image-input.ts';

// ---------------------------------------------------------------------------------------------
// Options and hashing

export function normalizeSize(size: number | undefined): number {
  const s = size ?? DEFAULT_SIZE;
  if (!Number.isInteger(s) || s < MIN_SIZE || s > MAX_SIZE) {
    throw new RangeError(`ladder size must be an integer from ${MIN_SIZE} to ${MAX_SIZE}, got ${size}`);
  }
  return s;
}

export function normalizeFocus(focus: Focus | undefined | null): Focus | undefined {
  if (focus == null) return undefined;
  const { x, y } = focus;
  if (!Number.isFinite(x) || !Number.isFinite(y) || x < 0 || x > 1 || y < 0 || y > 1) {
    throw new RangeError(`focus must be {x, y} with fractions from 0 to 1, got ${JSON.stringify(focus)}`);
  }
  return { x, y };
}

/** sha256 (hex) of the picture bytes alone. */
export function contentDigest(source: Uint8Array): string {
  return createHash('sha256').update(source).digest('hex');
}

/**
 * The ladder hash from the content digest and the options: sha256 over the format version,
 * the digest of the bytes, the display size and the focus (or "attention").
 */
export function ladderKey(digest: string, opts: LadderOptions = {}): string {
  const size = normalizeSize(opts.size);
  const focus = normalizeFocus(opts.focus);
  const f = focus ? `${focus.x},${focus.y}` : 'attention';
  return createHash('sha256').update(`emergence-ladder/${LADDER_FORMAT}\n${digest}\n${size}\n${f}`).digest('hex');
}

/** Content hash of the source bytes + options: the ladder's identity and cache key. */
export function ladderHash(source: Uint8Array, opts: LadderOptions = {}): string {
  return ladderKey(contentDigest(source), opts);
}

// ---------------------------------------------------------------------------------------------
// Decoding

interface Decoded {
  data: Buffer;
  width: number;
  height: number;
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/**
 * Decode to oriented, white-flattened, 8-bit sRGB raw pixels (3 channels). The header is read
 * and checked first (image-input.ts), so an oversized picture is refused before any decode.
 */
async function decodeRgb(source: Uint8Array): Promise<Decoded> {
  const input = asBuffer(source);
  const header = await readImageHeader(input);
  const options = decodeOptions(header, { minSide: MIN_SVG_SIDE, maxSide: MAX_SVG_SIDE });
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(input, options)
      .rotate()
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: toRgb(data, info.width, info.height, info.channels), width: info.width, height: info.height };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ImageDecodeError(`not a readable image (${why.trim()})`, { cause: e });
  }
}

/** Defensive: sharp gives 3 channels here, but never trust a channel count blindly. */
function toRgb(data: Buffer, width: number, height: number, channels: number): Buffer {
  if (channels === 3) return data;
  const n = width * height;
  const out = Buffer.allocUnsafe(n * 3);
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    const o = i * 3;
    if (channels < 3) {
      out[o] = out[o + 1] = out[o + 2] = data[s];
    } else {
      out[o] = data[s];
      out[o + 1] = data[s + 1];
      out[o + 2] = data[s + 2];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cropping

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v + 0; // + 0 turns -0 into 0
}

/** The square of side min(w, h) centred on a focus point, clamped inside the picture. */
export function squareAround(width: number, height: number, focus: Focus): CropBox {
  const side = Math.min(width, height);
  const left = clamp(Math.round(focus.x * width - side / 2), 0, width - side);
  const top = clamp(Math.round(focus.y * height - side / 2), 0, height - side);
  return { width, height, left, top, side };
}

/**
 * A k-times smaller copy for the attention analysis: each output pixel is the mean of the
 * (at most) 2x2 pixels at the centre of its k x k cell. Reading only those keeps this cheap;
 * on the test pictures the crops it leads to match full-size attention as often as those of a
 * full k x k box average do.
 */
function reduceForAnalysis(d: Decoded, k: number): Decoded {
  const width = Math.floor(d.width / k);
  const height = Math.floor(d.height / k);
  const j = Math.min(2, k);
  const o = (k - j) >> 1;
  const area = j * j;
  const src = d.data;
  const rowBytes = d.width * 3;
  const out = Buffer.allocUnsafe(width * height * 3);
  let q = 0;
  for (let oy = 0; oy < height; oy++) {
    const y0 = (oy * k + o) * rowBytes;
    for (let ox = 0; ox < width; ox++) {
      const x0 = y0 + (ox * k + o) * 3;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < j; dy++) for (let dx = 0; dx < j; dx++) sum += src[x0 + dy * rowBytes + dx * 3 + c];
        out[q++] = Math.floor(sum / area + 0.5);
      }
    }
  }
  return { data: out, width, height };
}

/** Focus point (fractions) chosen by sharp's attention strategy, on a reduced copy. */
async function attentionFocus(d: Decoded): Promise<Focus> {
  const k = Math.max(1, Math.floor(Math.min(d.width, d.height) / ATTENTION_SIDE));
  const small = k > 1 ? reduceForAnalysis(d, k) : d;
  const m = Math.min(small.width, small.height);
  const sharp = await loadSharp();
  const { info } = await sharp(small.data, { raw: { width: small.width, height: small.height, channels: 3 } })
    .resize({ width: m, height: m, fit: 'cover', position: 'attention' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const ax = info.attentionX ?? small.width / 2;
  const ay = info.attentionY ?? small.height / 2;
  return { x: clamp(ax / small.width, 0, 1), y: clamp(ay / small.height, 0, 1) };
}

/** Where to cut the square: the focus if given, else sharp's attention (none if square). */
async function locateSquare(d: Decoded, focus: Focus | undefined): Promise<CropBox> {
  if (d.width === d.height) return { width: d.width, height: d.height, left: 0, top: 0, side: d.width };
  return squareAround(d.width, d.height, focus ?? (await attentionFocus(d)));
}

function copySquare(d: Decoded, box: CropBox): Buffer {
  const { left, top, side } = box;
  if (side === d.width && side === d.height) return d.data;
  const out = Buffer.allocUnsafe(side * side * 3);
  const row = side * 3;
  for (let y = 0; y < side; y++) {
    const s = ((top + y) * d.width + left) * 3;
    d.data.copy(out, y * row, s, s + row);
  }
  return out;
}

/** Decode and cut the square; also says where it was cut. */
export async function cropSquareBox(
  source: Uint8Array,
  focus?: Focus,
): Promise<{ data: Buffer; side: number; crop: CropBox }> {
  const f = normalizeFocus(focus);
  const d = await decodeRgb(source);
  const crop = await locateSquare(d, f);
  return { data: copySquare(d, crop), side: crop.side, crop };
}

/** Raw RGB (3 channels, row-major, side x side) of the square crop of the picture. */
export async function cropSquare(source: Uint8Array, focus?: Focus): Promise<{ data: Buffer; side: number }> {
  const { data, side } = await cropSquareBox(source, focus);
  return { data, side };
}

// ---------------------------------------------------------------------------------------------
// Exact block means

/**
 * How a line of `side` pixels falls into GRID blocks of equal length, in units of 1/GRID px:
 * pixel p covers [GRID*p, GRID*p + GRID), block j covers [side*j, side*(j+1)). As segments
 * (start, end, block, weight): pixels start..end-1 each overlap `block` by `weight`. A pixel
 * straddling a boundary appears in two (or, when side < GRID, more) one-pixel segments.
 * The weights of block j add up to `side`.
 */
interface Segments {
  start: Int32Array;
  end: Int32Array;
  block: Int32Array;
  weight: Int32Array;
  count: number;
}

function segments(side: number): Segments {
  const start: number[] = [];
  const end: number[] = [];
  const block: number[] = [];
  const weight: number[] = [];
  for (let p = 0; p < side; p++) {
    const lo = GRID * p;
    const hi = lo + GRID;
    for (let j = Math.floor(lo / side); j < GRID && j * side < hi; j++) {
      const w = Math.min(hi, (j + 1) * side) - Math.max(lo, j * side);
      if (w <= 0) continue;
      const k = block.length - 1;
      if (k >= 0 && block[k] === j && weight[k] === w && end[k] === p && w === GRID) {
        end[k] = p + 1; // extend a run of whole pixels
      } else {
        start.push(p);
        end.push(p + 1);
        block.push(j);
        weight.push(w);
      }
    }
  }
  return {
    start: Int32Array.from(start),
    end: Int32Array.from(end),
    block: Int32Array.from(block),
    weight: Int32Array.from(weight),
    count: block.length,
  };
}

const segmentCache = new Map<number, Segments>();
function segmentsFor(side: number): Segments {
  let s = segmentCache.get(side);
  if (!s) {
    if (segmentCache.size > 64) segmentCache.clear();
    s = segments(side);
    segmentCache.set(side, s);
  }
  return s;
}

/**
 * First pass, over every pixel, for a picture taller than wide (or square): the crop spans the
 * full width, so each row's GRID block sums don't depend on where the crop starts.
 * Out: rows x GRID x 3 weighted sums (Int32: at most 255 * (width + 2 * GRID) each).
 */
function rowBlockSums(d: Decoded): Int32Array {
  const { data, width, height } = d;
  const { start, end, block, weight, count } = segmentsFor(width);
  const out = new Int32Array(height * GRID * 3);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    const o = y * GRID * 3;
    for (let s = 0; s < count; s++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const pe = row + end[s] * 3;
      for (let p = row + start[s] * 3; p < pe; p += 3) {
        r += data[p];
        g += data[p + 1];
        b += data[p + 2];
      }
      const w = weight[s];
      const k = o + block[s] * 3;
      out[k] += w * r;
      out[k + 1] += w * g;
      out[k + 2] += w * b;
    }
  }
  return out;
}

/**
 * First pass for a picture wider than tall: the crop spans the full height, so each column's
 * GRID block sums (down the whole height) don't depend on where the crop starts.
 * Out: GRID x width x 3 weighted sums.
 */
function columnBlockSums(d: Decoded): Int32Array {
  const { data, width } = d;
  const { start, end, block, weight, count } = segmentsFor(d.height);
  const rowBytes = width * 3;
  const out = new Int32Array(GRID * rowBytes);
  const tail = rowBytes & ~3;
  for (let s = 0; s < count; s++) {
    const w = weight[s];
    const o = block[s] * rowBytes;
    const first = start[s] * rowBytes;
    const last = end[s] * rowBytes;
    // Down the rows of the segment, four bytes side by side (sums stay in registers).
    let i = 0;
    for (; i < tail; i += 4) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let p = first + i; p < last; p += rowBytes) {
        a0 += data[p];
        a1 += data[p + 1];
        a2 += data[p + 2];
        a3 += data[p + 3];
      }
      out[o + i] += w * a0;
      out[o + i + 1] += w * a1;
      out[o + i + 2] += w * a2;
      out[o + i + 3] += w * a3;
    }
    for (; i < rowBytes; i++) {
      let a = 0;
      for (let p = first + i; p < last; p += rowBytes) a += data[p];
      out[o + i] += w * a;
    }
  }
  return out;
}

/** Second pass, for rowBlockSums: fold the rows top..top+side-1 into GRID block rows. */
function foldRows(rows: Int32Array, top: number, side: number): Float64Array {
  const seg = segmentsFor(side);
  const line = GRID * 3;
  const sums = new Float64Array(GRID * line);
  const tmp = new Float64Array(line);
  for (let s = 0; s < seg.count; s++) {
    tmp.fill(0);
    for (let y = seg.start[s]; y < seg.end[s]; y++) {
      const o = (top + y) * line;
      for (let i = 0; i < line; i++) tmp[i] += rows[o + i];
    }
    const w = seg.weight[s];
    const o = seg.block[s] * line;
    for (let i = 0; i < line; i++) sums[o + i] += w * tmp[i];
  }
  return sums;
}

/** Second pass, for columnBlockSums: fold the columns left..left+side-1 into GRID blocks. */
function foldColumns(cols: Int32Array, width: number, left: number, side: number): Float64Array {
  const seg = segmentsFor(side);
  const sums = new Float64Array(GRID * GRID * 3);
  for (let i = 0; i < GRID; i++) {
    const row = (i * width + left) * 3;
    const o = i * GRID * 3;
    for (let s = 0; s < seg.count; s++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let p = row + seg.start[s] * 3, pe = row + seg.end[s] * 3; p < pe; p += 3) {
        r += cols[p];
        g += cols[p + 1];
        b += cols[p + 2];
      }
      const w = seg.weight[s];
      const k = o + seg.block[s] * 3;
      sums[k] += w * r;
      sums[k + 1] += w * g;
      sums[k + 2] += w * b;
    }
  }
  return sums;
}

/** Sum 2x2 blocks: an n x n grid of sums becomes n/2 x n/2. */
function halve(sums: Float64Array, n: number): Float64Array {
  const h = n >> 1;
  const out = new Float64Array(h * h * 3);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < h; j++) {
      const a = (2 * i * n + 2 * j) * 3;
      const b = a + n * 3;
      const o = (i * h + j) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = sums[a + c] + sums[a + 3 + c] + sums[b + c] + sums[b + 3 + c];
    }
  }
  return out;
}

/** The six steps' means (index i is STEP_SIDES[i]) from the 64x64 block sums of a square. */
export function meansFromSums(sums64: Float64Array, side: number): Uint8Array[] {
  const means: Uint8Array[] = new Array(STEP_SIDES.length);
  let sums = sums64;
  let total = side * side;
  for (let i = STEP_SIDES.length - 1; i >= 0; i--) {
    const m = new Uint8Array(sums.length);
    for (let k = 0; k < sums.length; k++) m[k] = Math.floor(sums[k] / total + 0.5);
    means[i] = m;
    if (i > 0) {
      sums = halve(sums, STEP_SIDES[i]);
      total *= 4;
    }
  }
  return means;
}

/** Decode, crop and measure: the means of the six steps and where the square was cut. */
async function measure(source: Uint8Array, focus: Focus | undefined): Promise<{ means: Uint8Array[]; crop: CropBox }> {
  return measureDecoded(await decodeRgb(source), focus);
}

/**
 * The six steps' means of decoded pixels. With `at`, the square is cut there (the frames of a
 * motion item share the square of their first frame, so nothing jumps between frames).
 */
export async function measureDecoded(d: Decoded, focus: Focus | undefined, at?: CropBox): Promise<{ means: Uint8Array[]; crop: CropBox }> {
  if (at && (at.width !== d.width || at.height !== d.height)) throw new ImageDecodeError('the frames of a motion item must all have one size');
  const wide = d.width > d.height;
  // Start the crop search (libuv pool) before the pixel pass (main thread): they overlap.
  const where = at ? Promise.resolve(at) : locateSquare(d, focus);
  let crop: CropBox;
  let sums: Float64Array;
  try {
    if (wide) {
      const cols = columnBlockSums(d);
      crop = await where;
      sums = foldColumns(cols, d.width, crop.left, crop.side);
    } else {
      const rows = rowBlockSums(d);
      crop = await where;
      sums = foldRows(rows, crop.top, crop.side);
    }
  } finally {
    where.catch(() => {}); // if the pixel pass threw, don't leave a rejection unhandled
  }
  return { means: meansFromSums(sums, crop.side), crop };
}

/** Decoded pixels, as the ladder reads them (oriented, flattened on white, RGB). */
export type DecodedRgb = Decoded;

/** Decode one picture as the ladder does. */
export function decodePicture(source: Uint8Array): Promise<Decoded> {
  return decodeRgb(source);
}

/**
 * Every page of an animated picture (GIF or WebP: a server deck's stored motion item), decoded as
 * the ladder decodes a still, one RGB frame per page. The header check runs first, as for a still.
 */
export async function decodePages(source: Uint8Array): Promise<Decoded[]> {
  const input = asBuffer(source);
  const header = await readImageHeader(input);
  const options = decodeOptions(header, { minSide: MIN_SVG_SIDE, maxSide: MAX_SVG_SIDE });
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(input, { ...options, pages: -1 })
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const height = info.pageHeight ?? info.height;
    const pages = Math.max(1, Math.round(info.height / height));
    const rgb = toRgb(data, info.width, info.height, info.channels);
    const bytes = info.width * height * 3;
    return Array.from({ length: pages }, (_, k) => ({ data: rgb.subarray(k * bytes, (k + 1) * bytes), width: info.width, height }));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ImageDecodeError(`not a readable image (${why.trim()})`, { cause: e });
  }
}

// ---------------------------------------------------------------------------------------------
// Display

/** Block index of each display pixel: nearest neighbour. */
function blockIndex(size: number, n: number): Int32Array {
  const idx = new Int32Array(size);
  for (let x = 0; x < size; x++) idx[x] = Math.floor((x * n) / size);
  return idx;
}

function checkMeans(means: Uint8Array, n: number, size: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`bad step size ${n}`);
  if (means.length !== n * n * 3) throw new RangeError(`means for ${n}x${n} must be ${n * n * 3} bytes, got ${means.length}`);
  if (!Number.isInteger(size) || size < n || size > MAX_SIZE) throw new RangeError(`bad display size ${size} for ${n}x${n}`);
}

/** Nearest-neighbour upscale of an n x n RGB grid to size x size raw RGB. */
export function upscale(means: Uint8Array, n: number, size: number): Buffer {
  checkMeans(means, n, size);
  const idx = blockIndex(size, n);
  const out = Buffer.allocUnsafe(size * size * 3);
  const rowBytes = size * 3;
  let prev = -1;
  for (let y = 0; y < size; y++) {
    const by = idx[y];
    const o = y * rowBytes;
    if (by === prev) {
      out.copy(out, o, o - rowBytes, o);
      continue;
    }
    prev = by;
    for (let x = 0; x < size; x++) {
      const s = (by * n + idx[x]) * 3;
      const d = o + x * 3;
      out[d] = means[s];
      out[d + 1] = means[s + 1];
      out[d + 2] = means[s + 2];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// PNG container: the pixels are deflated by zlib; only the three required chunks are written.

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function writeChunk(out: Buffer, at: number, type: string, data: Uint8Array): number {
  out.writeUInt32BE(data.length, at);
  out.write(type, at + 4, 'latin1');
  out.set(data, at + 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(at + 4, at + 8 + data.length)), at + 8 + data.length);
  return at + 12 + data.length;
}

/** A truecolour 8-bit RGB PNG with only IHDR, one IDAT and IEND. */
function assemblePng(width: number, height: number, idat: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  // compression 0 (deflate), filter method 0, no interlace
  const out = Buffer.allocUnsafe(8 + 25 + 12 + idat.length + 12);
  out.set(PNG_SIGNATURE, 0);
  let at = writeChunk(out, 8, 'IHDR', ihdr);
  at = writeChunk(out, at, 'IDAT', idat);
  writeChunk(out, at, 'IEND', new Uint8Array(0));
  return out;
}

/**
 * PNG (size x size, truecolour, no metadata) of one step, synchronously. The scanlines are
 * filtered for the block structure (a block row's first line with Sub, so only block edges are
 * non-zero; the lines repeating it with Up, all zero), then zlib's run-length strategy deflates
 * them: a few milliseconds for all six steps, and smaller than sharp's PNG encoder gets them.
 */
export function renderStepSync(means: Uint8Array, n: number, size: number): Buffer {
  checkMeans(means, n, size);
  const idx = blockIndex(size, n);
  const stride = size * 3 + 1;
  const lines = Buffer.alloc(size * stride);
  let prev = -1;
  for (let y = 0; y < size; y++) {
    const o = y * stride;
    const by = idx[y];
    if (by === prev) {
      lines[o] = 2;
      continue;
    }
    prev = by;
    lines[o] = 1;
    for (let x = 0; x < size; x++) {
      const s = (by * n + idx[x]) * 3;
      const p = x > 0 ? (by * n + idx[x - 1]) * 3 : -1;
      for (let c = 0; c < 3; c++) lines[o + 1 + x * 3 + c] = (means[s + c] - (p >= 0 ? means[p + c] : 0)) & 0xff;
    }
  }
  return assemblePng(size, size, zlib.deflateSync(lines, { level: 1, strategy: zlib.constants.Z_RLE }));
}

/** PNG (size x size, truecolour, no metadata) of one step given its n x n means. */
export async function renderStep(means: Uint8Array, n: number, size: number): Promise<Uint8Array> {
  return renderStepSync(means, n, size);
}

/** 'step-3.png' for step 3 (1 is the coarsest, 2x2; 6 the finest, 64x64). */
export function stepFileName(step: number): string {
  if (!Number.isInteger(step) || step < 1 || step > STEP_SIDES.length) {
    throw new RangeError(`step must be 1..${STEP_SIDES.length}, got ${step}`);
  }
  return `step-${step}.png`;
}

// ---------------------------------------------------------------------------------------------
// The ladder

/** Build the ladder of a picture: one decode, exact means, six PNGs. */
export async function buildLadder(source: Uint8Array, opts: LadderOptions = {}): Promise<Ladder> {
  const size = normalizeSize(opts.size);
  const focus = normalizeFocus(opts.focus);
  const measuring = measure(source, focus); // the decode starts on the libuv pool...
  const hash = ladderHash(source, { size, focus }); // ...while the bytes are hashed here
  const { means, crop } = await measuring;
  const steps = await Promise.all(means.map((m, i) => renderStep(m, STEP_SIDES[i], size)));
  return { hash, size, means, steps, crop };
}

// ---------------------------------------------------------------------------------------------
// Recap strip

export interface StripOptions {
  /** Side of each of the seven tiles, px. Default 160. */
  tile?: number;
  /** Gap between tiles, px. Default 8. */
  gap?: number;
  /** The focus the ladder was built with (only used when the ladder doesn't know its crop). */
  focus?: Focus;
  /** Colour of the gaps. Default white. */
  background?: { r: number; g: number; b: number };
}

export const DEFAULT_TILE = 160;
export const DEFAULT_GAP = 8;

/** Width and height of a strip. */
export function stripSize(opts: { tile?: number; gap?: number } = {}): { width: number; height: number } {
  const tile = opts.tile ?? DEFAULT_TILE;
  const gap = opts.gap ?? DEFAULT_GAP;
  return { width: 7 * tile + 6 * gap, height: tile };
}

/**
 * Recap strip: the six steps (2x2 first) and then the original (the cropped square) side by
 * side, as a PNG without metadata. `source` must be the picture the ladder was built from.
 */
export async function makeStrip(ladder: Ladder, source: Uint8Array, opts: StripOptions = {}): Promise<Uint8Array> {
  const tile = opts.tile ?? DEFAULT_TILE;
  const gap = opts.gap ?? DEFAULT_GAP;
  if (!Number.isInteger(tile) || tile < GRID || tile > 2048) throw new RangeError(`tile must be ${GRID}..2048 px, got ${tile}`);
  if (!Number.isInteger(gap) || gap < 0 || gap > 256) throw new RangeError(`gap must be 0..256 px, got ${gap}`);
  if (ladder.means.length !== STEP_SIDES.length) throw new RangeError('a ladder has six steps');
  const bg = opts.background ?? { r: 255, g: 255, b: 255 };
  const { width, height } = stripSize({ tile, gap });

  // The original: the ladder's square, downscaled for display (a picture, not a measurement,
  // so sharp's resize kernel is the right tool here).
  const d = await decodeRgb(source);
  const crop = ladder.crop ?? (await locateSquare(d, normalizeFocus(opts.focus)));
  if (d.width !== crop.width || d.height !== crop.height) throw new RangeError('makeStrip: source is not the picture of this ladder');
  const sharp = await loadSharp();
  const original = await sharp(copySquare(d, crop), { raw: { width: crop.side, height: crop.side, channels: 3 } })
    .resize({ width: tile, height: tile, fit: 'fill' })
    .raw()
    .toBuffer();

  const out = Buffer.allocUnsafe(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    out[i * 3] = bg.r;
    out[i * 3 + 1] = bg.g;
    out[i * 3 + 2] = bg.b;
  }
  const tiles = [...ladder.means.map((m, i) => upscale(m, STEP_SIDES[i], tile)), original];
  tiles.forEach((t, k) => {
    const x0 = k * (tile + gap);
    for (let y = 0; y < tile; y++) t.copy(out, (y * width + x0) * 3, y * tile * 3, (y + 1) * tile * 3);
  });
  const png = await sharp(out, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 6, adaptiveFiltering: true, palette: false })
    .toBuffer();
  return onlyImageChunks(png);
}

/** Drop every PNG chunk but IHDR, IDAT and IEND (sharp adds pHYs, for one). */
export function onlyImageChunks(png: Uint8Array): Buffer {
  const b = asBuffer(png);
  const keep: Buffer[] = [b.subarray(0, 8)];
  for (let at = 8; at + 12 <= b.length; ) {
    const end = at + 12 + b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (type === 'IHDR' || type === 'IDAT' || type === 'IEND') keep.push(b.subarray(at, end));
    at = end;
  }
  return Buffer.concat(keep);
}
