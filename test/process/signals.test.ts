/**
 * Signals to a real `npm start`: the whole process tree ends, and the round it was playing is
 * closed or handed over (its lease released), never left owned by a process that is gone.
 * A crash exits non-zero with an incident id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { alive, descendants, integrity, leftToNobody, rounds, startBot, waitFor, type Bot } from './proc.ts';

let bot: Bot | undefined;
afterEach(async () => {
  await bot?.cleanup();
  bot = undefined;
});

/** A terminal round in progress under `npm start`, stdin still open. */
async function roundUnderNpm(): Promise<{ bot: Bot; tree: number[] }> {
  const b = startBot('npm', ['start', '--silent'], { STEP_SECONDS: '120' });
  bot = b;
  b.child.stdin.write('/play deck:landmarks mode:race\n');
  await waitFor(() => b.out().includes('Step 1/6'), `the first step (stderr: ${b.err()})`);
  expect(rounds(b.db)).toEqual([{ status: 'running', owner_id: expect.any(String) }]);
  const tree = descendants(b.child.pid!);
  // npm and the bot's node (tsx loads in-process: no second node).
  expect(tree.length).toBeGreaterThanOrEqual(1);
  return { bot: b, tree };
}

describe('npm start and signals', () => {
  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    it(`${signal} to the npm process ends the whole tree and closes or hands over the round`, async () => {
      const { bot: b, tree } = await roundUnderNpm();
      b.child.kill(signal);
      await b.exited;
      await waitFor(() => tree.every((pid) => !alive(pid)), `every process of the tree to exit (${tree.join(', ')})`);
      expect(rounds(b.db)).toHaveLength(1);
      expect(leftToNobody(b.db)).toEqual([]);
      expect(integrity(b.db)).toBe('ok');
      expect(b.err()).not.toMatch(/\n\s+at /);
    }, 60_000);
  }

  it('an unhandled rejection is logged with an incident id, hands the round over, and exits 1', async () => {
    // A preload that rejects a promise nobody handles when the test asks for it (SIGUSR2).
    const boom = `data:text/javascript,process.on('SIGUSR2',()=>{Promise.reject(new Error('test boom'))})`;
    const b = startBot(process.execPath, ['--import', boom, '--import', 'tsx', 'src/main.ts'], { STEP_SECONDS: '120' });
    bot = b;
    b.child.stdin.write('/play deck:landmarks mode:race\n');
    await waitFor(() => b.out().includes('Step 1/6'), `the first step (stderr: ${b.err()})`);
    b.child.kill('SIGUSR2');
    const { code } = await b.exited;
    expect(code).toBe(1);
    const line = b.err().split('\n').find((l) => l.includes('test boom'));
    expect(line, b.err()).toBeDefined();
    const entry = JSON.parse(line!) as { incident?: string; msg?: string; level?: number };
    expect(entry.incident).toMatch(/^[0-9a-f]{8}$/);
    expect(entry.msg).toContain('unhandled rejection');
    expect(leftToNobody(b.db)).toEqual([]);
  }, 60_000);
});
