/**
 * sharp, loaded on the first picture rather than at start. libvips and its libraries cost an idle
 * bot about 25 MB of resident memory, and a bot that nobody plays with draws nothing: start-up only
 * reads picture headers, which image-size does (see checkImageFile).
 */
import type Sharp from 'sharp';
import './fonts.ts';

let loading: Promise<typeof Sharp> | undefined;

export function loadSharp(): Promise<typeof Sharp> {
  return (loading ??= import('sharp').then(({ default: sharp }) => {
    // The ladder cache keeps what matters; libvips' own operation cache would only hold memory.
    sharp.cache(false);
    return sharp;
  }));
}

/** An SVG drawn as PNG (the cards and charts). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const sharp = await loadSharp();
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}
