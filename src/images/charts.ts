/**
 * Statistics charts: emergence curves drawn as SVG and rendered to PNG with sharp.
 * Axis labels and legends come from the locale strings, in the asker's language.
 */
import { FONT_STACK } from './fonts.ts';
import { svgToPng } from './load-sharp.ts';
import type { Locale } from '../core/reply.ts';
import { sanitizeUserText } from '../core/reply.ts';
import { STEP_COUNT, stepLabel } from '../core/game/steps.ts';
import type { ChartOptions, ChartSeries } from '../core/stats/reports.ts';
import { t } from '../views/i18n.ts';
import { titleSvg } from './cards.ts';
import { escapeXml, fitText, type TextLayout } from './text-fit.ts';

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 500;

/** Distinct on a dark background, and apart for the common colour blindnesses (Okabe–Ito). */
const COLOURS = ['#56b4e9', '#e69f00', '#009e73', '#f0e442', '#cc79a7', '#d55e00'];

const fmt = (x: number) => (Math.round(x * 10) / 10).toString();

/** The longest title shown, in characters. */
const TITLE_CHARS = 70;
const TITLE_SIZE = 24;

/**
 * The chart as SVG text (tests read its labels; `curveChart` renders it). `titleLayout` is the
 * title fitted to the width (curveChart measures it); without it the title is one line at 24 px.
 */
export function curveChartSvg(
  locale: Locale,
  title: string,
  series: ChartSeries[],
  opts: ChartOptions = {},
  titleLayout?: TextLayout,
): string {
  const W = CHART_WIDTH;
  const H = CHART_HEIGHT;
  const left = 90;
  const right = 30;
  const top = 70;
  const legendH = 28 * Math.ceil(Math.min(series.length, 6) / 3);
  const bottom = 80 + legendH;
  const pw = W - left - right;
  const ph = H - top - bottom;
  const x = (step: number) => left + ((step - 1) / (STEP_COUNT - 1)) * pw;
  const y = (share: number) => top + (1 - Math.min(Math.max(share, 0), 1)) * ph;

  const parts: string[] = [];
  parts.push(`<rect width="100%" height="100%" rx="16" fill="#141923"/>`);
  const layout = titleLayout ?? { size: TITLE_SIZE, lines: [sanitizeUserText(title, TITLE_CHARS)] };
  // One line on the usual baseline (42); two lines fill the band above the plot.
  parts.push(titleSvg(layout, W / 2, layout.lines.length === 1 ? 42 - layout.size : 6, 'middle'));
  // Grid and y ticks: 0 % … 100 %.
  for (let p = 0; p <= 100; p += 25) {
    const yy = fmt(y(p / 100));
    parts.push(`<line x1="${left}" y1="${yy}" x2="${W - right}" y2="${yy}" stroke="#2b3445" stroke-width="1"/>`);
    parts.push(`<text x="${left - 10}" y="${fmt(y(p / 100) + 5)}" font-size="15" text-anchor="end" fill="#aab4c3">${p}%</text>`);
  }
  // X ticks: the picture sizes.
  for (let s = 1; s <= STEP_COUNT; s++) {
    const xx = fmt(x(s));
    parts.push(`<line x1="${xx}" y1="${top}" x2="${xx}" y2="${top + ph}" stroke="#222a38" stroke-width="1"/>`);
    parts.push(`<text x="${xx}" y="${top + ph + 24}" font-size="15" text-anchor="middle" fill="#aab4c3">${stepLabel(s)}</text>`);
  }
  parts.push(`<line x1="${left}" y1="${top + ph}" x2="${W - right}" y2="${top + ph}" stroke="#6b778a" stroke-width="2"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + ph}" stroke="#6b778a" stroke-width="2"/>`);
  // Axis titles.
  parts.push(
    `<text x="${left + pw / 2}" y="${top + ph + 52}" font-size="17" text-anchor="middle" fill="#e8ecf3">${escapeXml(t(locale, 'stats.chart.x'))}</text>`,
  );
  parts.push(
    `<text x="24" y="${top + ph / 2}" font-size="17" text-anchor="middle" fill="#e8ecf3" transform="rotate(-90 24 ${top + ph / 2})">${escapeXml(t(locale, 'stats.chart.y'))}</text>`,
  );
  // Threshold marker.
  if (opts.threshold) {
    const xx = fmt(x(opts.threshold));
    parts.push(`<line x1="${xx}" y1="${top}" x2="${xx}" y2="${top + ph}" stroke="#ff6b6b" stroke-width="2" stroke-dasharray="8 6"/>`);
    parts.push(
      `<text x="${fmt(x(opts.threshold) + 6)}" y="${top + 18}" font-size="15" fill="#ff6b6b">${escapeXml(t(locale, 'stats.chart.threshold'))}</text>`,
    );
  }
  // The curves.
  series.slice(0, COLOURS.length).forEach((s, i) => {
    const colour = COLOURS[i]!;
    const pts = s.share.slice(0, STEP_COUNT).map((v, k) => `${fmt(x(k + 1))},${fmt(y(v))}`);
    parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${colour}" stroke-width="4" stroke-linejoin="round"/>`);
    for (const p of pts) {
      const [cx, cy] = p.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="5" fill="${colour}"/>`);
    }
    // Legend, three per line.
    const lx = left + (i % 3) * (pw / 3);
    const ly = top + ph + 78 + Math.floor(i / 3) * 28;
    parts.push(`<rect x="${lx}" y="${ly - 12}" width="22" height="6" rx="3" fill="${colour}"/>`);
    parts.push(
      `<text x="${lx + 30}" y="${ly - 3}" font-size="16" fill="#e8ecf3">${escapeXml(sanitizeUserText(s.label, 36))}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="${FONT_STACK}">
${parts.join('\n')}
</svg>`;
}

/** Emergence curves as a PNG (800×500). */
export async function curveChart(locale: Locale, title: string, series: ChartSeries[], opts: ChartOptions = {}): Promise<Uint8Array> {
  // 24 px down to 18 on one line, then two lines (at most 22 px each, to stay above the plot).
  const shown = sanitizeUserText(title, TITLE_CHARS);
  let layout = await fitText(shown, { maxWidth: CHART_WIDTH - 48, size: TITLE_SIZE, minSize: 18 });
  if (layout.lines.length > 1 && layout.size > 22) layout = { ...layout, size: 22 };
  const svg = curveChartSvg(locale, title, series, opts, layout);
  return svgToPng(svg);
}
