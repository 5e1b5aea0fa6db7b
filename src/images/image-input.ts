/**
 * What the picture code accepts as input, decided in one place: the ladder's decode, `deck
 * validate` and deck loading all read a picture's header through here and decode it with the
 * options chosen here.
 *
 * - Raster pictures (JPEG, PNG, WebP, GIF, TIFF, AVIF...) may have at most
 *   {@link MAX_INPUT_PIXELS} pixels. The header says how many before anything is decoded, so a
 *   small file that would unpack to gigabytes (a 16000×16000 PNG of one colour is 250 KB) is
 *   refused without cost. sharp's own default (0x3FFF², about 268 MP) is far above what a round
 *   needs, and each decoded megapixel costs 3 MB.
 * - SVG has no pixels of its own: its header size is only the size at 72 dpi, and some flags
 *   declare view boxes of billions of "pixels". So the header check is skipped for it and the
 *   picture is rendered at a density chosen here, which bounds what is really drawn.
 */
import { open } from 'node:fs/promises';
import { imageSizeFromFile } from 'image-size/fromFile';
import type { Metadata, SharpOptions } from 'sharp';
import { loadSharp } from './load-sharp.ts';
import { UserError } from '../core/errors.ts';

/** The most pixels a raster picture may have (40 MP): decks and uploads alike. */
export const MAX_INPUT_PIXELS = 40_000_000;

/** librsvg draws at most 32767 px on a side. */
const MAX_SVG_RENDER_SIDE = 32_767;

/**
 * The picture cannot be used: not an image, truncated, unsupported, or too large. A UserError,
 * so that a round that meets one tells the player plainly (`errors.picture-unreadable`); the
 * message (the reason, without the file name) is for logs and the CLI.
 */
export class ImageDecodeError extends UserError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('picture-unreadable');
    this.name = 'ImageDecodeError';
    this.message = reason;
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

export interface ImageHeader {
  /** sharp's format name: jpeg, png, webp, svg... */
  format: string;
  /** Size in pixels (for SVG: at 72 dpi). */
  width: number;
  height: number;
}

export function isSvgHeader(h: ImageHeader): boolean {
  return h.format === 'svg';
}

function megapixels(n: number): string {
  const mp = n / 1e6;
  return `${mp >= 10 ? Math.round(mp) : Math.round(mp * 10) / 10} MP`;
}

/**
 * Reads a picture's header (no pixel is decoded) and checks it: it must be an image sharp can
 * read, with a size, and (raster only) at most {@link MAX_INPUT_PIXELS} pixels.
 * Throws ImageDecodeError with a short reason.
 */
export async function readImageHeader(input: Buffer | string): Promise<ImageHeader> {
  if (typeof input !== 'string' && input.length === 0) throw new ImageDecodeError('not an image (the file is empty)');
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    // The limit is checked below, with a message that says what was found; sharp would only say
    // "exceeds pixel limit", and would refuse the SVGs it must not apply to.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (/unsupported image format/i.test(why)) throw new ImageDecodeError('not an image (unknown format)', { cause: e });
    if (/empty/i.test(why)) throw new ImageDecodeError('not an image (the file is empty)', { cause: e });
    throw new ImageDecodeError(`not a readable image (${why.trim()})`, { cause: e });
  }
  const { format, width, height } = meta;
  return checkedHeader(format, width, height);
}

function checkedHeader(format: string | undefined, width: number | undefined, height: number | undefined): ImageHeader {
  if (!format || !width || !height) throw new ImageDecodeError('not a readable image (no width or height)');
  if (format !== 'svg' && width * height > MAX_INPUT_PIXELS) {
    throw new ImageDecodeError(
      `too large: ${width}×${height} pixels (${megapixels(width * height)}); the limit is ${megapixels(MAX_INPUT_PIXELS)}`,
    );
  }
  return { format, width, height };
}

/** image-size's names of the raster formats sharp reads, as sharp names them. */
const RASTER_FORMATS: Record<string, string> = { jpg: 'jpeg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tiff', heif: 'heif' };

/** Text that starts (after a BOM, white space, an XML declaration or comments) an SVG document. */
export function looksLikeSvg(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return text.startsWith('<') && /<svg[\s>]/.test(text);
}

/**
 * The check deck loading makes for each picture file, cheap enough for hundreds at start-up:
 * a raster picture's header must name a format sharp reads and pass the pixel limit, as in
 * {@link readImageHeader}; an SVG (the pixel limit doesn't
 * apply to it) is only recognised from its first bytes, since parsing the whole drawing costs
 * milliseconds a flag. `deck validate` decodes everything in full.
 */
export async function checkImageFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (looksLikeSvg(head)) return;
  if (head.length === 0) throw new ImageDecodeError('not an image (the file is empty)');
  // image-size reads the header in plain JS: start-up checks every picture without loading sharp
  // (see load-sharp.ts). A picture that passes here but not sharp is still refused at its round.
  let size;
  try {
    size = await imageSizeFromFile(file);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (/unsupported file type/i.test(why)) throw new ImageDecodeError('not an image (unknown format)', { cause: e });
    throw new ImageDecodeError(`not a readable image (${why.trim()})`, { cause: e });
  }
  const format = size.type ? RASTER_FORMATS[size.type] : undefined;
  if (!format) throw new ImageDecodeError(`not an image (unknown format${size.type ? `: ${size.type}` : ''})`);
  checkedHeader(format, size.width, size.height);
}

export interface RenderSides {
  /** Render SVG so that its short side is at least this many px... */
  minSide: number;
  /** ...and, when its natural size is larger, about this many at most. */
  maxSide: number;
}

/**
 * The sharp options to decode a picture whose header was read by {@link readImageHeader}.
 * Raster: sharp's own pixel limit set to ours, as a second guard. SVG: no input limit (it
 * doesn't measure what is drawn), and a density that brings the short side between
 * `minSide` and `maxSide` and the whole drawing under {@link MAX_INPUT_PIXELS} (an SVG that
 * can't be drawn that small is refused with ImageDecodeError).
 */
export function decodeOptions(h: ImageHeader, sides: RenderSides): SharpOptions {
  if (!isSvgHeader(h)) return { limitInputPixels: MAX_INPUT_PIXELS };
  const short = Math.min(h.width, h.height);
  // The size sharp reports is rounded (a viewBox 71.6 wide reads 72): aim as if it were one
  // pixel smaller, so that the rendering can't fall short of minSide.
  let density = 72;
  if (short < sides.minSide) density = (72 * sides.minSide) / Math.max(1, short - 1);
  else if (short > sides.maxSide) density = (72 * sides.maxSide) / short;
  // A very long, thin drawing could still be huge at that density, or longer than librsvg draws.
  const budget = 72 * Math.sqrt(MAX_INPUT_PIXELS / ((h.width + 1) * (h.height + 1)));
  const longest = (72 * MAX_SVG_RENDER_SIDE) / (Math.max(h.width, h.height) + 1);
  density = Math.max(1, Math.min(density, budget, longest, 100_000)); // sharp takes 1..100000 dpi
  const w = (h.width * density) / 72;
  const hh = (h.height * density) / 72;
  if (w * hh > MAX_INPUT_PIXELS || Math.max(w, hh) > MAX_SVG_RENDER_SIDE) {
    throw new ImageDecodeError(`too large: an SVG of ${h.width}×${h.height} can't be drawn small enough`);
  }
  return { limitInputPixels: false, density };
}
