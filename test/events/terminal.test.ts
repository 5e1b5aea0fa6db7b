/** /event in the terminal, for a single player: the scripted adapter waits for the whole event. */
import { PassThrough } from 'node:stream';
import { afterEach, expect, it, vi } from 'vitest';
import { TerminalAdapter } from '../../src/adapters/terminal/terminal.ts';
import { settle } from '../fakes/fake-clock.ts';
import { makeTestApp, type TestApp } from '../fakes/test-app.ts';

vi.setConfig({ testTimeout: 60_000 });

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

it('runs an event of two rounds for one player, to its podium and report', async () => {
  t = await makeTestApp();
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const adapter = new TerminalAdapter({ app: t.app, input, output, interactive: false, outDir: `${t.dir}/out` });
  let finished = false;
  const done = adapter.run().then(() => (finished = true));
  /** Writes a line and waits (polling, with a deadline) until the output shows `expected`. */
  const say = async (line: string, expected: string) => {
    input.write(`${line}\n`);
    const deadline = Date.now() + 20_000;
    while (!out.includes(expected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(out).toContain(expected);
  };
  await say('/event create name:Solo rounds:2 items:mona-lisa,the-scream', '== 📅 Solo ==');
  expect(out).toContain('Join: /event action:join');
  await t.clock.advance(5_000);
  await say('mona lisa', 'It was: Mona Lisa');
  await say('/event status', 'Break: round 2 of 2 is next.');
  await t.clock.advance(10_000);
  await t.clock.advance(3 * 15_000);
  await say('the scream', 'It was: The Scream');
  input.end();
  for (let i = 0; i < 50 && !finished; i++) {
    await t.clock.advance(15_000);
    await settle(50);
  }
  await done;
  expect(out).toContain('== 🏆 Solo: the podium ==');
  expect(out).toContain('1. you: 9 points'); // 6 at 2×2, then 3 at 16×16
  expect(out).toContain('== Solo: emergence report ==');
  expect(out).toContain("This event's threshold: 2×2");
  expect(out).toMatch(/podium\.png/);
  expect(out).toMatch(/event-report\.png/);
});
