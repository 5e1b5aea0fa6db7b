/** Card images drawn from SVG with sharp (the leaderboard card). */
import { FONT_STACK } from './fonts.ts';
import { svgToPng } from './load-sharp.ts';
import type { LeaderboardEntry } from '../core/commands/services.ts';
import { sanitizeUserText } from '../core/reply.ts';
import { escapeXml, fitText, type TextLayout } from './text-fit.ts';

export { escapeXml } from './text-fit.ts';

/** Title lines as SVG text: baselines from `top`, 1.2 lines apart. */
export function titleSvg(layout: TextLayout, x: number, top: number, anchor: 'start' | 'middle'): string {
  return layout.lines
    .map(
      (line, i) =>
        `<text x="${x}" y="${Math.round(top + layout.size * (1 + 1.2 * i))}" font-size="${layout.size}" font-weight="700" text-anchor="${anchor}" fill="#ffffff">${escapeXml(line)}</text>`,
    )
    .join('\n');
}

export async function leaderboardCard(title: string, rows: LeaderboardEntry[]): Promise<Uint8Array> {
  const width = 640;
  const rowH = 44;
  const height = 90 + rows.length * rowH + 20;
  const medal = ['#f5c542', '#c0c7d1', '#d08a4b'];
  const body = rows
    .map((r, i) => {
      const y = 90 + i * rowH;
      const name = escapeXml(sanitizeUserText(r.name, 28));
      const fill = i % 2 === 0 ? '#1f2633' : '#242c3b';
      return `<rect x="20" y="${y}" width="${width - 40}" height="${rowH - 6}" rx="8" fill="${fill}"/>
<circle cx="46" cy="${y + 19}" r="14" fill="${medal[i] ?? '#3b4658'}"/>
<text x="46" y="${y + 25}" font-size="16" font-weight="700" text-anchor="middle" fill="#10141c">${i + 1}</text>
<text x="74" y="${y + 26}" font-size="20" fill="#e8ecf3">${name}</text>
<text x="${width - 36}" y="${y + 26}" font-size="20" font-weight="700" text-anchor="end" fill="#8fd3ff">${r.points}</text>`;
    })
    .join('\n');
  const shown = sanitizeUserText(title, 60);
  const layout = await fitText(shown, { maxWidth: width - 48, size: 28, minSize: 20 });
  // One line sits on the baseline it always had; two start higher, both above the first row.
  const top = layout.lines.length === 1 ? 52 - layout.size : 6;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="${FONT_STACK}">
<rect width="100%" height="100%" rx="16" fill="#141923"/>
${titleSvg(layout, 24, top, 'start')}
${body}
</svg>`;
  return svgToPng(svg);
}
