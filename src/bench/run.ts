/**
 * `npm run bench`: prints figures, checks nothing. `--json` ends with one JSON line of every figure.
 * Each part is measured on this machine now; compare runs on the same machine only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../paths.ts';
import { benchCommittedGuesses, benchPgCommittedGuesses, warmLadders } from './game.ts';
import { IMAGE_NODE_FLAGS, IMAGE_NODE_OPTIONS, benchIdle, buildDist } from './memory.ts';

type Figures = Record<string, number>;

const parts: [string, () => Promise<Figures>][] = [
  ['ladder', async () => (await import('./ladder.ts')).benchLadder()],
  ['judge', async () => (await import('./judge.ts')).benchJudge()],
  ['engine', () => benchCommittedGuesses()],
  ['pg-engine', () => benchPgCommittedGuesses()],
  [
    'rounds',
    async () => {
      // Own process, so memory from the other parts doesn't count; ladders come from a warm disk cache.
      const cache = mkdtempSync(join(tmpdir(), 'emergence-ladders-'));
      try {
        await warmLadders(cache);
        // The compiled code, as the Docker image runs it.
        buildDist({ bench: true });
        const out = execFileSync(process.execPath, ['--expose-gc', ...IMAGE_NODE_FLAGS, packagePath('dist', 'bench-game.js'), '--rounds', cache], {
          env: { ...process.env, NODE_OPTIONS: IMAGE_NODE_OPTIONS },
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        });
        return JSON.parse(out.trim().split('\n').at(-1)!) as Figures;
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    },
  ],
  ['memory', () => benchIdle()],
  ['explain', async () => (await import('./explain.ts')).benchExplain()],
  ['stats', async () => (await import('./stats.ts')).benchStats()],
  ['pg-stats', async () => (await import('./stats.ts')).benchStats({ engine: 'postgres' })],
  ['failover', async () => (await import('./failover.ts')).benchFailover()],
  ['lateness', async () => (await import('./lateness.ts')).benchLateness()],
  ['uploads', async () => (await import('./uploads.ts')).benchHostileUploads()],
];

async function main() {
  const json = process.argv.includes('--json');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  const all: Figures = {};
  for (const [name, run] of parts) {
    if (only && !only.includes(name)) continue;
    try {
      const figures = await run();
      Object.assign(all, figures);
      for (const [k, v] of Object.entries(figures)) process.stdout.write(`${name.padEnd(8)} ${k.padEnd(28)} ${v}\n`);
    } catch (err) {
      process.stdout.write(`${name.padEnd(8)} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  if (json) process.stdout.write(JSON.stringify(all) + '\n');
}

void main();
