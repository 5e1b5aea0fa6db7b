/** The chart image (real SVG → PNG with sharp) and `npm run cli -- stats --json` (a real process). */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH, curveChart, curveChartSvg } from '../../src/images/charts.ts';
import { Store } from '../../src/storage/store.ts';
import type { StatsJson } from '../../src/cli/stats.ts';
import { postgresEngine } from '../fakes/databases.ts';
import { A, B, seedFixture } from './fixture.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const series = [
  { label: 'Everywhere', share: [0, 0.2, 0.3, 0.5, 0.75, 0.75] },
  { label: 'This server', share: [0, 0.2, 0.4, 0.6, 0.8, 0.8] },
];

describe('curve chart', () => {
  it('renders a real PNG of the expected size, with the curve drawn in colour', async () => {
    const png = await curveChart('en', 'Emergence curve · Mona Lisa', series, { threshold: 3 });
    const img = sharp(png);
    const meta = await img.metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', CHART_WIDTH, CHART_HEIGHT]);
    // The first curve's colour (#56b4e9) is really on the image.
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    let blue = 0;
    for (let i = 0; i < data.length; i += info.channels) {
      if (Math.abs(data[i]! - 0x56) < 12 && Math.abs(data[i + 1]! - 0xb4) < 12 && Math.abs(data[i + 2]! - 0xe9) < 12) blue++;
    }
    expect(blue).toBeGreaterThan(500);
  });

  it('labels the axes in the reader’s language', () => {
    const zh = curveChartSvg('zh', '涌现曲线', series, { threshold: 3 });
    expect(zh).toContain('步骤（图片边长像素）');
    expect(zh).toContain('已认出的比例');
    expect(zh).toContain('>阈值<');
    const en = curveChartSvg('en', 'Emergence curve', series);
    expect(en).toContain('Step (picture size in pixels)');
    expect(en).toContain('Share who had recognised it');
    for (const tick of ['2×2', '8×8', '64×64', '0%', '50%', '100%']) expect(en).toContain(`>${tick}<`);
  });

  it('escapes labels (they may hold user or deck text)', () => {
    const svg = curveChartSvg('en', '<script>&', [{ label: 'a<b>"c"', share: [0, 0, 0, 0, 0, 1] }]);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;&amp;');
    expect(svg).toContain('a&lt;b&gt;&quot;c&quot;');
  });
});

// Each case starts real `tsx` processes: slow on a busy machine, so a generous timeout.
describe('npm run cli -- stats', { timeout: 120_000 }, () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emergence-stats-cli-'));
    db = join(dir, 'emergence.db');
    const store = await Store.open(db);
    await seedFixture(store);
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'stats', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '', DATABASE_PATH: db },
    });

  it('reads PostgreSQL when DATABASE_URL is set, with the same figures', async () => {
    const pg = await postgresEngine.create();
    try {
      const store = await pg.open();
      await seedFixture(store);
      await store.close();
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'stats', '--json', '--item', 'mona-lisa'], {
        cwd: root,
        encoding: 'utf8',
        // DATABASE_PATH names a file that does not exist: the figures can only come from PostgreSQL.
        env: { ...process.env, DATABASE_URL: pg.location, DATABASE_PATH: join(dir, 'absent.db') },
      });
      expect(r.status, r.stderr).toBe(0);
      const m = (JSON.parse(r.stdout) as StatsJson).pictures[0]!;
      expect(m.everywhere).toMatchObject({ attempts: 10, recognised: 6, cut: 3, perStep: [0, 2, 1, 2, 1, 0], threshold: 3 });
      expect(m.servers[B]).toMatchObject({ attempts: 5, threshold: 2, cut: 3 });
      expect(m.wrongGuesses[0]).toEqual({ step: 1, text: 'sunset', players: 2 });
    } finally {
      await pg.drop();
    }
  });

  it('--json prints the same figures as /stats', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'stats', '--json', '--db', db], {
      cwd: root,
      encoding: 'utf8',
    });
    const s = JSON.parse(out) as StatsJson;
    expect(s.pictures.map((p) => `${p.deck}/${p.item}`).sort()).toEqual([
      'everyday/caillebotte-chrysanthemums',
      'flags/ad',
      'masterpieces/mona-lisa',
      'masterpieces/the-kiss',
    ]);
    const m = s.pictures.find((p) => p.item === 'mona-lisa')!;
    expect(m.everywhere).toEqual({
      attempts: 10,
      recognised: 6,
      cut: 3,
      perStep: [0, 2, 1, 2, 1, 0],
      cumulative: [0, 2, 3, 5, 6, 6],
      share: [0, 0.2, 0.3, 0.5, 0.75, 0.75],
      threshold: 3,
      instability: 1,
    });
    expect(Object.keys(m.servers)).toEqual([A, B]);
    expect(m.servers[A]).toMatchObject({ attempts: 5, threshold: 3, share: [0, 0.2, 0.4, 0.6, 0.8, 0.8] });
    expect(m.servers[B]).toMatchObject({ attempts: 5, threshold: 2, cut: 3, share: [0, 0.2, 0.2, 0.4, 0.4, 0.4] });
    expect(m.wrongGuesses[0]).toEqual({ step: 1, text: 'sunset', players: 2 });
    expect(m.famous).toBe(true);
    const k = Object.fromEntries(s.knowledge.map((g) => [g.group, g]));
    expect(k.famous).toMatchObject({ pictures: 2, attempts: 13, threshold: 4 });
    expect(k.flags).toMatchObject({ pictures: 1, attempts: 2, share: [0, 0, 0.5, 0.5, 0.5, 0.5] });
  });

  it('--item and --deck narrow the pictures; the database comes from DATABASE_PATH', () => {
    const one = JSON.parse(cli('--json', '--item', 'mona-lisa').stdout) as StatsJson;
    expect(one.pictures.map((p) => p.item)).toEqual(['mona-lisa']);
    const deck = JSON.parse(cli('--json', '--deck', 'masterpieces').stdout) as StatsJson;
    expect(deck.pictures.map((p) => p.item).sort()).toEqual(['mona-lisa', 'the-kiss']);
    const text = cli('--item', 'masterpieces/mona-lisa');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/masterpieces\/mona-lisa\s+10\s+6\s+8x8\s+1\.00\s+0%\s+20%\s+30%\s+50%\s+75%\s+75%/);
  });

  it('bad usage, an unknown item or a missing database: a message and exit code 2', () => {
    const bad = cli('--json', '--item', 'no-such-thing');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown item "no-such-thing"');
    expect(bad.stdout).toBe('');
    expect(cli('--nope').status).toBe(2);
    const missing = cli('--db', join(dir, 'absent.db'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no database at');
  });
});
