/**
 * Motion rounds of the built-in `motion` deck, played through the terminal adapter and through the
 * real Bolt App against the fake Slack: each step is an animated GIF (its frames decoded by sharp),
 * the round asks what is happening, the action is the answer, and /explain's thresholds topic offers one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TerminalAdapter } from '../../src/adapters/terminal/terminal.ts';
import { makeTestApp, type TestApp } from '../fakes/test-app.ts';
import { makeWorld, type World } from '../slack/harness.ts';
import { gifFrames } from '../images/motion-helpers.ts';

vi.setConfig({ testTimeout: 90_000 });

let t: TestApp | undefined;
let w: World | undefined;
afterEach(async () => {
  await t?.cleanup();
  await w?.close();
  t = undefined;
  w = undefined;
});

describe('motion rounds', () => {
  it('in the terminal: an animated GIF per step, the question, the action as the answer, and /explain leading to one', async () => {
    t = await makeTestApp();
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const outDir = join(t.dir, 'out');
    const adapter = new TerminalAdapter({ app: t.app, input, output, interactive: false, outDir });
    const done = adapter.run();
    input.end(['/play deck:motion item:waving-fan mode:race', 'a fan', 'waving a fan', '/explain threshold'].join('\n') + '\n');
    await done;
    expect(out).toContain('== What is happening? Step 1/6');
    expect(out).toContain('8 frames of 2×2, 32 pixels in all');
    expect(out).toContain('You win this round at step 1');
    expect(out).toContain('== It was: waving a fan');
    const gif = await gifFrames(readFileSync(join(outDir, 'step-1.gif')));
    expect(gif.width).toBe(512);
    expect(gif.frames).toHaveLength(8);
    expect(out).toContain('Play a motion round');
    expect(out).toContain('/play deck:motion');
  });

  it('on Slack: the round message shows the step GIF, which holds every frame', async () => {
    w = await makeWorld('socket');
    await w.slash('UHOST', 'play deck:motion item:turning-windmill mode:experiment');
    await w.settle();
    const gifs = [...w.slack.files.values()].filter((f) => f.filename === 'step-1.gif' && f.completed);
    expect(gifs).toHaveLength(1);
    const decoded = await gifFrames(gifs[0]!.bytes!);
    expect(decoded.frames).toHaveLength(8);
    const round = w.slack.messages.find((m) => JSON.stringify(m.blocks ?? []).includes(gifs[0]!.id));
    expect(JSON.stringify(round?.blocks)).toContain('What is happening? Step 1/6');
    await w.slash('UHOST', 'stop');
  });
});
