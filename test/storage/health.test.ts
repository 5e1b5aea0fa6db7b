/**
 * A SQLite file that cannot be used is refused when the store opens, with a StartupError whose one or
 * two lines name the path and say what to do (issue 11 §2). Real files, really broken.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StartupError } from '../../src/config/startup-error.ts';
import { Store } from '../../src/storage/store.ts';
import { seedFixture } from '../stats/fixture.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'emergence-health-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(path: string): Promise<StartupError> {
  const err = await Store.open(path).then(
    async (s) => {
      await s.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StartupError);
  const e = err as StartupError;
  expect(e.message.split('\n').length).toBeLessThanOrEqual(2);
  expect(e.message).toContain(path);
  return e;
}

describe('SQLite health at open', () => {
  it('a folder given as the database path', async () => {
    const e = await refusal(dir);
    expect(e.message).toMatch(/is a folder, not a database file/);
    expect(e.message).toMatch(/Set DATABASE_PATH to a file/);
  });

  it('a path under a regular file', async () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'not a folder');
    const e = await refusal(join(file, 'data', 'emergence.db'));
    expect(e.message).toMatch(/a part of that path is a file, not a folder/);
  });

  it('a file that is not a SQLite database', async () => {
    const file = join(dir, 'garbage.db');
    writeFileSync(file, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    const e = await refusal(file);
    expect(e.message).toMatch(/is not a SQLite database/);
    expect(e.message).toMatch(/Move the file away/);
  });

  it('a damaged database (quick_check finds it)', async () => {
    const file = join(dir, 'damaged.db');
    const s = await Store.open(file);
    await seedFixture(s);
    for (let i = 0; i < 300; i++) {
      await s.createRound({ id: `x${i}`, platform: 'terminal', channelId: `c${i}`, scopeId: 's', deckId: 'd', itemId: `item-${i}-${'x'.repeat(200)}`, mode: 'race', stepSeconds: 15, hostId: 'h', locale: 'en', startedAt: i });
    }
    await s.close();
    // Overwrite the middle of the file (table and index pages), leaving the header page intact.
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(16 * 4096);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 4, 0x5a), 0, 4096 * 4, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const e = await refusal(file);
    expect(e.message).toMatch(/is damaged/);
    expect(e.message).toMatch(/Restore it from a backup/);
  });

  it('a read-only database file, at start', async () => {
    const file = join(dir, 'ro.db');
    const s = await Store.open(file);
    await s.close();
    chmodSync(file, 0o444);
    chmodSync(dir, 0o755);
    // Root writes to read-only files anyway: drop its power to override file modes for the child
    // (setpriv, util-linux), instead of switching to another user who may not reach the checkout.
    const asRoot = process.getuid?.() === 0;
    const script = fileURLToPath(new URL('./open-store.ts', import.meta.url));
    const node = [process.execPath, '--import', 'tsx', script, file];
    const [cmd, ...args] = asRoot ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--', ...node] : node;
    const r = spawnSync(cmd!, args, {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { ok: boolean; name?: string; message?: string };
    expect(out, r.stderr).toMatchObject({ ok: false, name: 'StartupError' });
    expect(out.message).toContain(file);
    expect(out.message).toMatch(/is read-only/);
    expect(out.message!.split('\n').length).toBeLessThanOrEqual(2);
  });

  it('a healthy file opens, and keeps its data', async () => {
    const file = join(dir, 'ok', 'good.db');
    mkdirSync(join(dir, 'ok'));
    const s = await Store.open(file);
    await seedFixture(s);
    await s.close();
    const again = await Store.open(file);
    expect(await again.guessesOfRound('R1')).toHaveLength(14);
    await again.close();
    const raw = new SQLite(file, { readonly: true });
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'emergence_write_probe'").all()).toEqual([]);
    raw.close();
  });
});
