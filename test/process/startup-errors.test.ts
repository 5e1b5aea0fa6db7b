/**
 * Start-up failures an operator meets, in a real process: a short plain message that names what
 * is wrong, no stack trace (unless LOG_LEVEL=debug), exit code 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type Bot } from './proc.ts';

let bot: Bot | undefined;
afterEach(async () => {
  await bot?.cleanup();
  bot = undefined;
});

const STACK = /\n\s+at /;

async function failedStart(env: (dir: string) => Record<string, string>): Promise<{ code: number | null; err: string; dir: string }> {
  await bot?.cleanup();
  const b = startBot(process.execPath, ['--import', 'tsx', 'src/main.ts'], env);
  bot = b;
  b.child.stdin.end();
  const { code } = await b.exited;
  return { code, err: b.err(), dir: b.dir };
}

describe('start-up failures', () => {
  it('a missing DECKS_DIR is named, without a stack', async () => {
    const { code, err, dir } = await failedStart((d) => ({ DECKS_DIR: join(d, 'no-such-decks') }));
    expect(code).toBe(1);
    expect(err).toContain(join(dir, 'no-such-decks'));
    expect(err).not.toMatch(STACK);
    expect(err.trim().split('\n').length).toBeLessThanOrEqual(2);
  }, 60_000);

  it('any other failure prints its message on one line, and the stack only at LOG_LEVEL=debug', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = String((busy.address() as AddressInfo).port);
    try {
      const plain = await failedStart(() => ({ HEALTH_PORT: port }));
      expect(plain.code).toBe(1);
      expect(plain.err.trim().split('\n')).toHaveLength(1);
      expect(plain.err).toMatch(/^Emergence failed to start: .*EADDRINUSE/);
      expect(plain.err).toContain(port);
      const debug = await failedStart(() => ({ HEALTH_PORT: port, LOG_LEVEL: 'debug' }));
      expect(debug.code).toBe(1);
      expect(debug.err).toMatch(STACK);
    } finally {
      busy.close();
    }
  }, 60_000);

  it('invalid configuration is still listed variable by variable', async () => {
    const { code, err } = await failedStart(() => ({ STEP_SECONDS: 'soon', HEALTH_PORT: 'x' }));
    expect(code).toBe(1);
    expect(err).toContain('STEP_SECONDS');
    expect(err).toContain('HEALTH_PORT');
    expect(err).not.toMatch(STACK);
  }, 60_000);
});

describe('start-up failures: the database path', () => {
  const cases: [string, (dir: string) => string][] = [
    ['a file that is not a database', (d) => {
      const f = join(d, 'garbage.db');
      writeFileSync(f, 'this is not a SQLite database, just text '.repeat(200));
      return f;
    }],
    ['a directory', (d) => {
      const f = join(d, 'a-folder.db');
      mkdirSync(f);
      return f;
    }],
    ['a path under a regular file', (d) => {
      writeFileSync(join(d, 'plain-file'), 'x');
      return join(d, 'plain-file', 'e.db');
    }],
  ];
  for (const [what, make] of cases) {
    it(`${what} is refused with a message naming it`, async () => {
      let path = '';
      const { code, err } = await failedStart((d) => ({ DATABASE_PATH: (path = make(d)) }));
      expect(code).toBe(1);
      expect(err).toContain(path);
      expect(err).not.toMatch(STACK);
    }, 60_000);
  }
});
