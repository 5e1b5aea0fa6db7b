/**
 * Fitting a title into a picture: its width is measured by drawing it (librsvg, the renderer and
 * font of the picture itself, so the measure is exact for any script), then the font shrinks, and
 * past a floor the title breaks into two lines.
 */
import { FONT_STACK } from './fonts.ts';
import { loadSharp } from './load-sharp.ts';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Width in px of the ink of one line of text in FONT_STACK. */
export async function measureText(text: string, size: number, weight = 700): Promise<number> {
  if (!text.trim()) return 0;
  const pad = Math.ceil(size);
  const width = Math.ceil(size * 1.3 * Array.from(text).length) + 2 * pad;
  const height = Math.ceil(size * 2);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/><text x="${pad}" y="${Math.round(size * 1.4)}" font-size="${size}" font-weight="${weight}" font-family="${FONT_STACK}" fill="#000">${escapeXml(text)}</text></svg>`;
  const sharp = await loadSharp();
  const { info } = await sharp(Buffer.from(svg)).trim({ background: '#ffffff', threshold: 16 }).raw().toBuffer({ resolveWithObject: true });
  return info.width;
}

export interface TextLayout {
  /** Font size in px. */
  size: number;
  /** One or two lines. */
  lines: string[];
}

export interface FitOptions {
  maxWidth: number;
  /** The size wanted. */
  size: number;
  /** The smallest size for one line; below it the title takes two lines. */
  minSize: number;
  weight?: number;
}

/** Where to break a line in two: the space nearest the middle, else (Chinese) the middle character. */
function splitInTwo(text: string): [string, string] {
  const chars = Array.from(text);
  const mid = chars.length / 2;
  let best = -1;
  chars.forEach((c, i) => {
    if (c === ' ' && (best < 0 || Math.abs(i - mid) < Math.abs(best - mid))) best = i;
  });
  if (best > 0 && Math.abs(best - mid) < chars.length / 4) {
    return [chars.slice(0, best).join('').trim(), chars.slice(best + 1).join('').trim()];
  }
  const at = Math.ceil(mid);
  return [chars.slice(0, at).join(''), chars.slice(at).join('')];
}

/** The size (and lines) at which the text fits in maxWidth. */
export async function fitText(text: string, o: FitOptions): Promise<TextLayout> {
  const weight = o.weight ?? 700;
  const width = await measureText(text, o.size, weight);
  if (width <= o.maxWidth) return { size: o.size, lines: [text] };
  let lines = [text];
  let size = Math.floor((o.size * o.maxWidth) / width);
  if (size < o.minSize) {
    lines = splitInTwo(text);
    const widest = Math.max(...(await Promise.all(lines.map((l) => measureText(l, o.size, weight)))));
    size = Math.min(o.size, Math.floor((o.size * o.maxWidth) / widest));
  }
  // Ink width is nearly proportional to the size, not exactly (hinting): check, and step down.
  for (let tries = 0; size > 6 && tries < 6; tries++) {
    const widest = Math.max(...(await Promise.all(lines.map((l) => measureText(l, size, weight)))));
    if (widest <= o.maxWidth) break;
    size--;
  }
  return { size, lines };
}
