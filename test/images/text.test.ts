/**
 * Text in the pictures: drawn with the bundled font (Chinese included, with no system CJK font),
 * and titles fitted inside the image, measured on the rendered pixels.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { leaderboardCard } from '../../src/images/cards.ts';
import { CHART_HEIGHT, CHART_WIDTH, curveChart } from '../../src/images/charts.ts';
import { FONT_STACK, FONTS_CONF } from '../../src/images/fonts.ts';
import { measureText } from '../../src/images/text-fit.ts';

async function inkBox(text: string, size: number): Promise<{ width: number; height: number }> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size * 4}" height="${size * 2}"><rect width="100%" height="100%" fill="#fff"/><text x="${size}" y="${size * 1.4}" font-size="${size}" font-family="${FONT_STACK}">${text}</text></svg>`;
  const { info } = await sharp(Buffer.from(svg)).trim({ background: '#ffffff', threshold: 16 }).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height };
}

/** Light (text) pixels of an RGBA/RGB image in a rectangle. */
async function lightPixels(png: Uint8Array, x0: number, y0: number, x1: number, y1: number): Promise<number> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * info.width + x) * info.channels;
      const alpha = info.channels === 4 ? data[o + 3]! : 255;
      if (alpha > 128 && data[o]! > 150 && data[o + 1]! > 150 && data[o + 2]! > 150) n++;
    }
  }
  return n;
}

describe('the bundled font', () => {
  it('is what fontconfig is pointed at', () => {
    expect(process.env.FONTCONFIG_FILE).toBe(FONTS_CONF);
    expect(FONT_STACK.split(',')[0]).toBe('Emergence Sans');
  });

  it('draws Chinese glyphs, not boxes', async () => {
    // 一 is one horizontal stroke: wide and flat. A missing glyph is a tall box of hex digits.
    const one = await inkBox('一', 64);
    expect(one.width).toBeGreaterThan(3 * one.height);
    // 二 and 三 differ in height by a stroke; boxes would be the same size.
    const two = await inkBox('二', 64);
    const three = await inkBox('三', 64);
    expect(three.height).toBeGreaterThan(two.height);
    expect(two.height).toBeGreaterThan(one.height);
  });
});

describe('titles fit the image', () => {
  const series = [{ label: 'Everywhere', share: [0, 0.2, 0.3, 0.5, 0.75, 0.75] }];
  const titles = [
    'Emergence curve · Wanderer above the Sea of Fog, by Caspar David Friedrich (1818)',
    '涌现曲线 · 雾海上的旅人（卡斯帕·大卫·弗里德里希）与星月夜、神奈川冲浪里、戴珍珠耳环的少女',
  ];

  it('measures text by its ink', async () => {
    const short = await measureText('Mona', 24);
    expect(short).toBeGreaterThan(30);
    expect(await measureText('Mona Lisa Mona Lisa', 24)).toBeGreaterThan(3 * short);
    expect(await measureText('蒙娜丽莎', 24)).toBeGreaterThan(80);
  });

  for (const title of titles) {
    it(`chart: ${title.slice(0, 12)}…`, async () => {
      const png = await curveChart(title.startsWith('涌') ? 'zh' : 'en', title, series);
      expect((await sharp(png).metadata()).width).toBe(CHART_WIDTH);
      const band = 68; // the plot starts at 70
      expect(await lightPixels(png, 0, 0, 16, band)).toBe(0);
      expect(await lightPixels(png, CHART_WIDTH - 16, 0, CHART_WIDTH, band)).toBe(0);
      expect(await lightPixels(png, 16, 0, CHART_WIDTH - 16, band)).toBeGreaterThan(500);
      expect(CHART_HEIGHT).toBe(500);
    });

    it(`leaderboard card: ${title.slice(0, 12)}…`, async () => {
      const png = await leaderboardCard(title, [{ name: 'ann', points: 3, wins: 1, solved: 1 }]);
      const { width } = await sharp(png).metadata();
      expect(await lightPixels(png, width! - 16, 0, width!, 86)).toBe(0);
      expect(await lightPixels(png, 0, 0, 16, 86)).toBe(0);
      expect(await lightPixels(png, 16, 0, width! - 16, 86)).toBeGreaterThan(500);
    });
  }
});
