/** Card images drawn from SVG with sharp (the leaderboard card). */
import sharp from 'sharp';
import type { LeaderboardEntry } from '../core/commands/services.ts';
import { sanitizeUserText } from '../core/reply.ts';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
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
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Noto Sans CJK SC, sans-serif">
<rect width="100%" height="100%" rx="16" fill="#141923"/>
<text x="24" y="52" font-size="28" font-weight="700" fill="#ffffff">${escapeXml(sanitizeUserText(title, 60))}</text>
${body}
</svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}
