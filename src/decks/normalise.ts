/**
 * Turns untrusted bytes into the copy a server deck stores: the format is sniffed from the bytes
 * (never the name or the declared type), SVG is refused, the pixel and frame counts are checked from
 * the header before anything is decoded, and sharp decodes under limitInputPixels. What is kept is a
 * re-encoded WebP, longest side ≤ 1024, without metadata: a still keeps frame 1, a motion item up to
 * 8 evenly chosen frames.
 */
import { createHash } from 'node:crypto';
import type { Metadata } from 'sharp';
import { loadSharp } from '../images/load-sharp.ts';
import { UserError } from '../core/errors.ts';
import { MAX_INPUT_FRAMES, MAX_INPUT_PIXELS, MAX_MOTION_FRAMES, MIN_MOTION_FRAMES, STORED_SIDE } from './limits.ts';

export type SniffedFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export interface NormalisedPicture {
  data: Uint8Array;
  width: number;
  height: number;
  frames: number;
  /** sha256 hex of the stored copy. */
  sha256: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/** The format from the file's first bytes; SVG (or any XML) is recognised in order to refuse it by name. */
export function sniff(bytes: Uint8Array): SniffedFormat | 'svg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && ascii(bytes, 1, 4) === 'PNG') return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return 'gif';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (head.startsWith('<') && (head.includes('<svg') || head.startsWith('<?xml'))) return 'svg';
  return null;
}

export async function normalisePicture(bytes: Uint8Array, o: { motion?: boolean } = {}): Promise<NormalisedPicture> {
  if (bytes.length === 0) throw new UserError('upload-empty');
  const format = sniff(bytes);
  if (format === 'svg') throw new UserError('upload-svg');
  if (!format) throw new UserError('upload-not-image');

  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    // The header only (no pixel is decoded, so no pixel limit yet): width, height and frame count, checked below.
    meta = await sharp(bytes, { limitInputPixels: false, animated: true }).metadata();
  } catch {
    throw new UserError('upload-damaged');
  }
  if (meta.format !== format && !(format === 'jpeg' && meta.format === 'jpeg')) throw new UserError('upload-not-image');
  const frames = meta.pages ?? 1;
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width <= 0 || height <= 0) throw new UserError('upload-damaged');
  if (width * height > MAX_INPUT_PIXELS) throw new UserError('upload-too-many-pixels', { max: Math.round(MAX_INPUT_PIXELS / 1e5) / 10 });
  if (frames > MAX_INPUT_FRAMES) throw new UserError('upload-too-many-frames', { max: MAX_INPUT_FRAMES });
  // Every frame is decoded for an animation: bound the total too.
  if (o.motion && width * height * frames > MAX_INPUT_PIXELS * 4) {
    throw new UserError('upload-too-many-pixels', { max: Math.round(MAX_INPUT_PIXELS / 1e5) / 10 });
  }

  try {
    if (!o.motion) {
      const out = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, page: 0, failOn: 'warning' })
        .autoOrient()
        .resize(STORED_SIDE, STORED_SIDE, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 88 })
        .toBuffer({ resolveWithObject: true });
      return { data: new Uint8Array(out.data), width: out.info.width, height: out.info.height, frames: 1, sha256: sha256Hex(out.data) };
    }
    if (frames < MIN_MOTION_FRAMES) throw new UserError('upload-motion-still');
    const picks = evenlyChosen(frames, MAX_MOTION_FRAMES);
    const side = motionSide(width, height);
    const raw = await Promise.all(
      picks.map((page) =>
        sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, page, failOn: 'warning' })
          .resize(side.w, side.h, { fit: 'fill' })
          .ensureAlpha()
          .raw()
          .toBuffer(),
      ),
    );
    return await encodeMotion(raw, side.w, side.h);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError('upload-damaged');
  }
}

function motionSide(width: number, height: number): { w: number; h: number } {
  const scale = Math.min(1, STORED_SIDE / Math.max(width, height));
  return { w: Math.max(1, Math.round(width * scale)), h: Math.max(1, Math.round(height * scale)) };
}

/** Up to `max` frame indexes spread evenly over `count`, first and last included. */
export function evenlyChosen(count: number, max: number): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (count - 1)) / (max - 1)));
}

/** RGBA frames of one size → an animated WebP (the stored form of a motion item). */
export async function encodeMotion(frames: Uint8Array[], w: number, h: number): Promise<NormalisedPicture> {
  const sharp = await loadSharp();
  const tall = Buffer.concat(frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)));
  const out = await sharp(tall, { raw: { width: w, height: h * frames.length, channels: 4, pageHeight: h } })
    .webp({ quality: 88, loop: 0, delay: frames.map(() => 500) })
    .toBuffer();
  return { data: new Uint8Array(out), width: w, height: h, frames: frames.length, sha256: sha256Hex(out) };
}
