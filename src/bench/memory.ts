/**
 * Resident memory of the bot as an operator runs it: the compiled bot (dist/, as in the Docker
 * image) started in terminal mode with no round, measured from outside the process once it has
 * answered a first command and gone quiet. The same under tsx (`npm start`) for comparison.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../paths.ts';

/** `npm run build`, plus the bench entries (dist/bench-game.js) when asked. */
export function buildDist(o: { bench?: boolean } = {}): void {
  execFileSync(process.execPath, ['--import', 'tsx', packagePath('src', 'build', 'bundle.ts'), ...(o.bench ? ['--bench'] : [])], {
    cwd: packagePath(),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** RSS in MB of a running process, read by pid (Linux /proc, else ps). */
export function rssMb(pid: number): number {
  let kb: number;
  try {
    kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  } catch {
    kb = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
  }
  return Math.round((kb / 1024) * 10) / 10;
}

/**
 * The Node options the Docker image sets (keep in step with NODE_OPTIONS in the Dockerfile): a 1 MB
 * young generation instead of 16 MB costs a few more minor GCs, which a chat bot does not notice,
 * and saves about 30 MB of resident memory.
 */
export const IMAGE_NODE_OPTIONS = '--max-semi-space-size=1';

/**
 * The V8 flags of the image's CMD (keep in step with the Dockerfile; NODE_OPTIONS refuses them). They
 * trade some speed for memory, which a chat bot has to spare: --optimize-for-size makes V8 prefer
 * small code and objects, --heap-growing-percent=10 grows the old generation in small steps instead
 * of doubling it ahead of need, and --single-threaded-gc drops the GC helper threads (their stacks
 * and allocator arenas). Together about 10 MB at 10,000 rounds and 5 MB idle, on this machine.
 */
export const IMAGE_NODE_FLAGS = ['--optimize-for-size', '--heap-growing-percent=10', '--single-threaded-gc'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the bot with `args`, sends /help, waits until it is quiet, and measures it. */
async function idleRss(args: string[], nodeOptions?: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'emergence-mem-'));
  const child = spawn(process.execPath, args, {
    cwd: packagePath(),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      DATABASE_PATH: join(dir, 'e.db'),
      LADDER_CACHE_DIR: join(dir, 'cache'),
      TERMINAL_OUT_DIR: join(dir, 'out'),
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stdin.write('/help\n');
    const deadline = Date.now() + 60_000;
    while (!out.includes('/play')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the bot did not answer /help: ${out}`);
      await sleep(50);
    }
    // Idle: let start-up work (timers, lazy loads, GC) settle, then take the steady figure.
    let last = 0;
    for (let i = 0; i < 10; i++) {
      await sleep(500);
      const now = rssMb(child.pid!);
      if (Math.abs(now - last) < 0.5) break;
      last = now;
    }
    return rssMb(child.pid!);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchIdle(): Promise<Record<string, number>> {
  buildDist();
  return {
    // As the Docker image runs it.
    rss_mb_idle: await idleRss([...IMAGE_NODE_FLAGS, 'dist/main.js'], IMAGE_NODE_OPTIONS),
    // `npm start`, as a newcomer runs it.
    rss_mb_idle_tsx: await idleRss(['--import', 'tsx', 'src/main.ts']),
  };
}
