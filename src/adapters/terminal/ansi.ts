/** Draws a picture step in true colour with half-block characters: 64x64 pixels → 64 columns × 32 rows. */
import { loadSharp } from '../../images/load-sharp.ts';

export async function ansiPicture(png: Uint8Array, columns = 64): Promise<string> {
  const sharp = await loadSharp();
  // Nearest sampling at 64x64 hits block centres, so every step keeps its exact colours.
  const { data, info } = await sharp(png)
    .resize(columns, columns, { kernel: 'nearest' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = info.width;
  const lines: string[] = [];
  for (let y = 0; y < info.height; y += 2) {
    let line = '';
    for (let x = 0; x < w; x++) {
      const top = (y * w + x) * 3;
      const bot = ((y + 1) * w + x) * 3;
      line += `\x1b[38;2;${data[top]};${data[top + 1]};${data[top + 2]}m\x1b[48;2;${data[bot]};${data[bot + 1]};${data[bot + 2]}m▀`;
    }
    lines.push(line + '\x1b[0m');
  }
  return lines.join('\n');
}
