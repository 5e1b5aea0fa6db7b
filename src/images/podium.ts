/**
 * The end of an event, as pictures: the podium card (the top three, and the teams) and the emergence
 * report (per picture, how many knew it at each step, as a heat table; under it, the event's curve beside
 * the all-time curve of the same pictures, with the event's threshold). SVG rendered to PNG by sharp.
 */
import { sanitizeUserText } from '../core/reply.ts';
import { STEP_COUNT as STAT_STEPS, stepLabel } from '../core/game/steps.ts';
import type { PodiumInput, ReportImageInput } from '../views/events.ts';
import { titleSvg } from './cards.ts';
import { CHART_HEIGHT, CHART_WIDTH, curveChartSvg } from './charts.ts';
import { FONT_STACK } from './fonts.ts';
import { svgToPng } from './load-sharp.ts';
import { escapeXml, fitText } from './text-fit.ts';

export const PODIUM_WIDTH = 800;
const MEDALS = ['#f5c542', '#c0c7d1', '#d08a4b'];
const TEAM_COLOURS = ['#e5484d', '#3e8ef7', '#30a46c', '#f5c542'];

/** The block colour of a place (ties share it). */
function medal(rank: number): string {
  return MEDALS[rank - 1] ?? '#3b4658';
}

export async function podiumCard(input: PodiumInput): Promise<Uint8Array> {
  const W = PODIUM_WIDTH;
  const teamsH = input.teams.length > 0 ? 70 + input.teams.length * 40 : 0;
  const H = 420 + teamsH;
  const parts: string[] = [`<rect width="100%" height="100%" rx="16" fill="#141923"/>`];
  // The font has no emoji: the title's trophy is left to the message.
  const layout = await fitText(sanitizeUserText(input.title.replace(/\p{Extended_Pictographic}\uFE0F?/gu, ''), 60), { maxWidth: W - 48, size: 30, minSize: 20 });
  parts.push(titleSvg(layout, W / 2, layout.lines.length === 1 ? 50 - layout.size : 8, 'middle'));
  // Second place on the left, first in the middle, third on the right, as on a real podium.
  const slots = [
    { at: 1, x: 140, h: 150 },
    { at: 0, x: 400, h: 200 },
    { at: 2, x: 660, h: 110 },
  ];
  const base = 390;
  for (const slot of slots) {
    const p = input.players[slot.at];
    if (!p) continue;
    const colour = medal(p.rank);
    const top = base - slot.h;
    parts.push(`<rect x="${slot.x - 110}" y="${top}" width="220" height="${slot.h}" rx="10" fill="${colour}"/>`);
    parts.push(`<text x="${slot.x}" y="${top + 64}" font-size="54" font-weight="700" text-anchor="middle" fill="#10141c">${p.rank}</text>`);
    parts.push(`<text x="${slot.x}" y="${top - 48}" font-size="24" font-weight="700" text-anchor="middle" fill="#e8ecf3">${escapeXml(sanitizeUserText(p.name, 16))}</text>`);
    parts.push(`<text x="${slot.x}" y="${top - 16}" font-size="22" text-anchor="middle" fill="#8fd3ff">${p.points}</text>`);
  }
  parts.push(`<line x1="24" y1="${base}" x2="${W - 24}" y2="${base}" stroke="#6b778a" stroke-width="3"/>`);
  if (input.teams.length > 0) {
    const y0 = 420;
    parts.push(`<text x="24" y="${y0 + 30}" font-size="24" font-weight="700" fill="#ffffff">${escapeXml(sanitizeUserText(input.teamsTitle, 30))}</text>`);
    const max = Math.max(1, ...input.teams.map((t) => t.points));
    input.teams.forEach((tm, i) => {
      const y = y0 + 50 + i * 40;
      const w = Math.round(((W - 300) * tm.points) / max);
      parts.push(`<text x="24" y="${y + 24}" font-size="20" fill="#e8ecf3">${tm.rank}. ${escapeXml(sanitizeUserText(tm.label, 14))}</text>`);
      parts.push(`<rect x="180" y="${y + 6}" width="${Math.max(w, 4)}" height="24" rx="6" fill="${TEAM_COLOURS[((tm.team ?? i + 1) - 1) % TEAM_COLOURS.length]}"/>`);
      parts.push(`<text x="${180 + Math.max(w, 4) + 10}" y="${y + 25}" font-size="20" font-weight="700" fill="#8fd3ff">${tm.points}</text>`);
    });
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="${FONT_STACK}">\n${parts.join('\n')}\n</svg>`;
  return svgToPng(svg);
}

/** Row height of the report's table. */
const ROW_H = 34;

export async function eventReportImage(input: ReportImageInput): Promise<Uint8Array> {
  const W = CHART_WIDTH;
  const tableTop = 70;
  const rows = input.pictures.slice(0, 20);
  const tableH = 40 + rows.length * ROW_H + 20;
  const H = tableTop + tableH + CHART_HEIGHT;
  const parts: string[] = [`<rect width="100%" height="100%" fill="#141923"/>`];
  const layout = await fitText(sanitizeUserText(input.title, 60), { maxWidth: W - 48, size: 26, minSize: 18 });
  parts.push(titleSvg(layout, W / 2, layout.lines.length === 1 ? 44 - layout.size : 6, 'middle'));
  const labelW = 250;
  const cellW = (W - labelW - 40 - 70) / STAT_STEPS;
  for (let s = 0; s < STAT_STEPS; s++) {
    parts.push(`<text x="${labelW + 20 + (s + 0.5) * cellW}" y="${tableTop + 26}" font-size="15" text-anchor="middle" fill="#aab4c3">${stepLabel(s + 1)}</text>`);
  }
  parts.push(`<text x="${W - 55}" y="${tableTop + 26}" font-size="15" text-anchor="middle" fill="#aab4c3">Σ</text>`);
  rows.forEach((p, i) => {
    const y = tableTop + 40 + i * ROW_H;
    parts.push(`<text x="24" y="${y + 22}" font-size="17" fill="#e8ecf3">${i + 1}. ${escapeXml(sanitizeUserText(p.label, 22))}</text>`);
    p.perStep.forEach((n, s) => {
      // Darker to brighter with the share of the picture's players who knew it at that step.
      const share = p.players > 0 ? n / p.players : 0;
      const alpha = n > 0 ? 0.25 + 0.75 * share : 0.06;
      const x = labelW + 20 + s * cellW;
      parts.push(`<rect x="${x + 3}" y="${y + 2}" width="${cellW - 6}" height="${ROW_H - 6}" rx="5" fill="#56b4e9" fill-opacity="${alpha.toFixed(2)}"/>`);
      parts.push(`<text x="${x + cellW / 2}" y="${y + 22}" font-size="16" font-weight="700" text-anchor="middle" fill="#ffffff">${n}</text>`);
    });
    parts.push(`<text x="${W - 55}" y="${y + 22}" font-size="16" text-anchor="middle" fill="#aab4c3">${p.perStep.reduce((a, b) => a + b, 0)}/${p.players}</text>`);
  });
  const chart = curveChartSvg(input.locale, input.thresholdLabel, input.series, { threshold: input.threshold });
  parts.push(`<g transform="translate(0 ${tableTop + tableH})">${chart}</g>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="${FONT_STACK}">\n${parts.join('\n')}\n</svg>`;
  return svgToPng(svg);
}
