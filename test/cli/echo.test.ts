/**
 * The CLI echoes what it was given (an item id, a deck, a path) in its messages. None of it may
 * reach the terminal as control bytes: an OSC title sequence, a CSI, a bell, a bidi override.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as deck } from '../../src/cli/deck.ts';
import { run as explain } from '../../src/cli/explain.ts';
import { run as judge } from '../../src/cli/judge.ts';
import { run as ladder } from '../../src/cli/ladder.ts';
import { safeText } from '../../src/cli/output.ts';
import { run as stats } from '../../src/cli/stats.ts';

const OSC = '\x1b]0;PWNED\x07';
const CSI = '\x1b[2J\x1b[31m';
const C1 = '\x9b31m';
const BIDI = '\u202e';
const HOSTILE = `x${OSC}y${CSI}z${C1}${BIDI}\r`;
/** Any byte a terminal acts on, but the newline. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'emergence-cli-echo-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Runs a CLI function and returns everything it printed, both streams. */
async function printed(fn: () => Promise<number>): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const grab = (c: unknown) => {
    chunks.push(typeof c === 'string' ? c : Buffer.from(c as Uint8Array).toString('utf8'));
    return true;
  };
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(grab);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(grab);
  try {
    const code = await fn();
    return { code, text: chunks.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

function expectClean(text: string, shown: string): void {
  expect(text).not.toMatch(CONTROL);
  // The value is still named, without its control characters.
  expect(text).toContain(shown);
}

describe('CLI echoes carry no control characters', () => {
  it('safeText drops them and keeps line breaks and text', () => {
    expect(safeText(`a${OSC}b\n${CSI}c${C1}${BIDI}d\r\n`)).toBe('a]0;PWNEDb\n[2J[31mc31md\n');
  });

  it('judge --item and --deck', async () => {
    const item = await printed(() => judge(['--deck', 'masterpieces', '--item', HOSTILE, 'mona lisa']));
    expect(item.code).toBe(2);
    expectClean(item.text, 'unknown item "x]0;PWNEDy[2J[31mz31m"');
    const deckArg = await printed(() => judge(['--deck', HOSTILE, '--item', 'mona-lisa', 'mona lisa']));
    expect(deckArg.code).toBe(2);
    expectClean(deckArg.text, 'unknown deck "x]0;PWNED');
    const option = await printed(() => judge([`--${HOSTILE}`, 'mona lisa']));
    expect(option.code).toBe(2);
    expectClean(option.text, 'x]0;PWNED');
  });

  it('ladder <path> and its options', async () => {
    const missing = await printed(() => ladder([path.join(tmp, `${HOSTILE}.png`), '--out', tmp]));
    expect(missing.code).toBe(1);
    expectClean(missing.text, 'x]0;PWNEDy');
    const notImage = path.join(tmp, `notes${OSC}.png`);
    await writeFile(notImage, 'not a picture');
    const bad = await printed(() => ladder([notImage, '--out', tmp]));
    expect(bad.code).toBe(1);
    expectClean(bad.text, 'notes]0;PWNED.png: not an image');
    const size = await printed(() => ladder([notImage, '--out', tmp, '--size', HOSTILE]));
    expect(size.code).toBe(2);
    expectClean(size.text, '--size must be an integer');
  });

  it('deck validate <path>', async () => {
    const r = await printed(() => deck(['validate', path.join(tmp, `deck${OSC}`)]));
    expect(r.code).toBe(1);
    expectClean(r.text, 'deck]0;PWNED');
  });

  it('stats --db', async () => {
    const r = await printed(() => stats(['--db', path.join(tmp, `${HOSTILE}.db`)]));
    expect(r.code).toBe(2);
    expectClean(r.text, 'no database at');
  });

  it('explain with a hostile question', async () => {
    const r = await printed(() => explain([`what is ${OSC}emergence${CSI}`]));
    expect(r.code).toBe(0);
    expect(r.text).not.toMatch(CONTROL);
  });

  it('the CLI process, end to end', () => {
    const res = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'judge', '--deck', 'masterpieces', '--item', OSC, 'mona', 'lisa'],
      { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME } },
    );
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('unknown item "]0;PWNED"');
    expect(res.stderr + res.stdout).not.toMatch(CONTROL);
  }, 60_000);
});
