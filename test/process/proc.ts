/** Real processes for the lifecycle tests: start the bot, watch its output, its process tree and its database. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const ROOT = new URL('../../', import.meta.url).pathname;

export interface Bot {
  child: ChildProcessWithoutNullStreams;
  dir: string;
  db: string;
  out(): string;
  err(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends the test: kills whatever is left (by pid) and removes the temp folder. */
  cleanup(): Promise<void>;
}

/**
 * Starts `command args` in the package root with a clean environment: no chat tokens (so the
 * terminal plays), a temp database and output folder, and stdin left open unless the test closes it.
 */
export function startBot(
  command: string,
  args: string[],
  env: Record<string, string> | ((dir: string) => Record<string, string>) = {},
): Bot {
  const dir = mkdtempSync(join(tmpdir(), 'emergence-proc-'));
  const db = join(dir, 'e.db');
  const child = spawn(command, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      DATABASE_PATH: db,
      LADDER_CACHE_DIR: join(dir, 'cache'),
      TERMINAL_OUT_DIR: join(dir, 'out'),
      ...(typeof env === 'function' ? env(dir) : env),
    },
    stdio: 'pipe',
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let tree: number[] = [];
  return {
    child,
    dir,
    db,
    out: () => out,
    err: () => err,
    exited,
    async cleanup() {
      tree = [child.pid!, ...descendants(child.pid!), ...tree];
      for (const pid of tree) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every process below `pid`, read from `ps` (Linux and macOS). */
export function descendants(pid: number): number[] {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  const children = new Map<number, number[]>();
  for (const line of ps.stdout.split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    if (!p || pp === undefined) continue;
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `cond` holds; fails with `what` after the deadline. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The rounds table as another process sees it: status and owning instance. */
export function rounds(db: string): { status: string; owner_id: string | null }[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare('select status, owner_id from rounds').all() as { status: string; owner_id: string | null }[];
  } finally {
    conn.close();
  }
}

/**
 * No round is left to a process that is gone: each one is either closed, or handed over
 * (still running, with its lease released, so the next start resumes it at once).
 */
export function leftToNobody(db: string): { status: string; owner_id: string | null }[] {
  return rounds(db).filter((r) => r.status === 'running' && r.owner_id !== null);
}

export function integrity(db: string): string {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return String(conn.pragma('integrity_check', { simple: true }));
  } finally {
    conn.close();
  }
}
