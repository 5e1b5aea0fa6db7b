/**
 * Which lease holders a SQLite process may take rounds from at once: only a process of this host that
 * is provably gone. Real processes: one that exited, this one, and ids that prove nothing.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ownerIsGone } from '../../src/runtime/game-service.ts';

const UUID = '0b4d3f52-8c1e-4a57-9d0e-6f1a2b3c4d5e';

describe('ownerIsGone', () => {
  it('is true only for an owner on this host whose process has exited', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    const running = `${hostname()}/${pid}/${UUID}`;
    await new Promise((r) => child.once('exit', r));
    expect(ownerIsGone(running)).toBe(true);
    // A live process (this one), another host, an id without a pid, none at all: not provably gone.
    expect(ownerIsGone(`${hostname()}/${process.pid}/${UUID}`)).toBe(false);
    expect(ownerIsGone(`another-host.example/${pid}/${UUID}`)).toBe(false);
    expect(ownerIsGone(UUID)).toBe(false);
    expect(ownerIsGone(null)).toBe(false);
  });
});
