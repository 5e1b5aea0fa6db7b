/** /daily in the terminal, for its one local player: `/daily`, `/daily next`, `/daily guess …`, buttons as typed commands. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { TerminalAdapter } from '../../src/adapters/terminal/terminal.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { makeTestApp, type TestApp } from '../fakes/test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe('terminal: /daily', () => {
  it('plays the daily step by step and prints the share line', { timeout: 60_000 }, async () => {
    t = await makeTestApp({ clock: new FakeClock(Date.parse('2026-12-01T10:00:00Z')) });
    const daily = t.app.services.daily as unknown as { today(): { item: { answers: { en: string } } } };
    const answer = daily.today().item.answers.en;
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const outDir = join(t.dir, 'out');
    const done = new TerminalAdapter({ app: t.app, input, output, interactive: false, outDir }).run();
    input.end(['/daily', '/daily next', '/daily guess a red balloon', `/daily guess ${answer}`, '/daily', '/daily stats'].join('\n') + '\n');
    await done;
    expect(out).toContain('== Daily #335 · step 1 of 6: 2×2 (4 pixels) ==');
    expect(out).toContain('  Guess: /daily guess <answer>');
    expect(out).toContain('  Next step: /daily next');
    expect(out).toContain('== Daily #335 · step 2 of 6: 4×4 (16 pixels) ==');
    expect(out).toContain('Not it. 2 guesses left at this step.');
    expect(out).toContain('Emergence #335 · ⬛🟩 · 4×4');
    expect(out).toContain('  Share: /daily share');
    expect(out).toContain("You have played today's picture.");
    expect(out).toContain('Your streak: 1 day in a row.');
    expect(existsSync(join(outDir, 'daily-step-2.png'))).toBe(true);
  });
});
