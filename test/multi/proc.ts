/**
 * Real bot processes for the cross-process tests: `node --import tsx src/main.ts` with a given
 * environment, their output collected, and polling for outcomes with a deadline (never a bare sleep).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface Bot {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** Writes a line to the bot's stdin (terminal mode keeps stdin open until `end`). */
  line(text: string): void;
  kill9(): Promise<void>;
  /** SIGTERM, then waits for the exit code. */
  term(): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts the bot with exactly this environment (plus PATH and HOME): no .env file, no inherited tokens. */
export function startBot(env: Record<string, string>, name = 'bot'): Bot {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: process.env.BOT_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  child.stdin!.on('error', () => {});
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    out: () => out,
    err: () => err,
    line: (text) => void child.stdin!.write(`${text}\n`),
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async term() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    exited,
  };
}

/** Polls `probe` until it returns a value other than undefined/false, or fails with `what` after the deadline. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 60_000, bots: Bot[] = []): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const logs = bots.map((b, i) => `--- bot ${i} stdout:\n${b.out().slice(-3000)}\n--- stderr:\n${b.err().slice(-3000)}`).join('\n');
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A TCP port free on 127.0.0.1 right now (for a bot's PORT). */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}
