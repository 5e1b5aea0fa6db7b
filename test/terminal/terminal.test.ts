import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TerminalAdapter } from '../../src/adapters/terminal/terminal.ts';
import { ansiPicture } from '../../src/adapters/terminal/ansi.ts';
import { buttonCommandLine } from '../../src/adapters/terminal/buttons.ts';
import { commands } from '../../commands/index.ts';
import { plainText } from '../../src/core/reply.ts';
import { caller } from '../fakes/test-app.ts';
import { makeTestApp, type TestApp } from '../fakes/test-app.ts';

// Each test starts a real app and builds picture ladders, which takes seconds on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function script(lines: string[], opts: { outDir?: (dir: string) => string } = {}): Promise<{ out: string; outDir: string }> {
  t = await makeTestApp();
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const outDir = opts.outDir?.(t.dir) ?? join(t.dir, 'out');
  const adapter = new TerminalAdapter({ app: t.app, input, output, interactive: false, outDir });
  const done = adapter.run();
  input.end(lines.join('\n') + '\n');
  await done;
  return { out, outDir };
}

describe('terminal adapter, scripted', () => {
  it('plays a round to the end and prints the leaderboard', async () => {
    const { out, outDir } = await script([
      '/play deck:masterpieces item:mona-lisa mode:race',
      'sunset',
      '/hint',
      '/guess lisa',
      'mona lisa',
      '/leaderboard',
    ]);
    expect(out).toContain('== What is it? Step 1/6');
    expect(out).toContain('Not it.');
    expect(out).toContain("Hint: it's a painting");
    expect(out).toContain('Close!');
    expect(out).toContain('You win this round at step 1');
    expect(out).toContain('== It was: Mona Lisa');
    expect(out).toMatch(/1\. you: 6 pts · 1 win · 1 solved/);
    const png = readFileSync(join(outDir, 'step-1.png'));
    expect((await sharp(png).metadata()).width).toBe(512);
    expect(existsSync(join(outDir, 'recap.png'))).toBe(true);
    const rows = await t!.app.store.db.selectFrom('guesses').select(['verdict', 'player_id']).orderBy('id').execute();
    expect(rows.map((r) => r.verdict)).toEqual(['wrong', 'close', 'correct']);
    expect(rows[0]!.player_id).toBe('terminal:you');
  });

  it('answers unknown commands and bad options clearly, and keeps going', async () => {
    const { out } = await script(['/dance', '/play mode:chaos', '/guess', 'just a guess', '/decks']);
    expect(out).toContain('Unknown command /dance');
    expect(out).toContain('mode must be one of: race, experiment');
    expect(out).toContain('/guess needs answer');
    expect(out).toContain('No round is running in this channel');
    expect(out).toContain('masterpieces');
    expect(out).toContain('flags');
  });
});

describe('terminal adapter, pictures that cannot be saved', () => {
  it('an out folder under a regular file costs the pictures, not the game', async () => {
    const { out } = await script(['/play deck:masterpieces item:mona-lisa mode:race', 'mona lisa', '/leaderboard'], {
      outDir: (dir) => {
        writeFileSync(join(dir, 'a-file'), 'not a folder');
        return join(dir, 'a-file', 'out');
      },
    });
    expect(out).toMatch(/⚠ Could not save the picture to \S+a-file\/out\/step-1\.png \(ENOTDIR\)\. The game goes on\./);
    expect(out).not.toContain('[picture saved to');
    expect(out).toContain('You win this round at step 1');
    expect(out).toContain('== It was: Mona Lisa');
    expect(out).toMatch(/1\. you: 6 pts/);
    const rows = await t!.app.store.db.selectFrom('guesses').select(['verdict']).execute();
    expect(rows.map((r) => r.verdict)).toEqual(['correct']);
  });
});

describe('terminal adapter, buttons', () => {
  it('lists the topics /explain offers as commands to type, and they work', async () => {
    const { out } = await script(['/explain how do I bake sourdough bread']);
    const [, after] = out.split('The closest topics it does cover:\n');
    const offered = [...(after ?? '').matchAll(/^  .+: (\/explain topic:\S+)$/gm)].map((m) => m[1]!);
    expect(offered.length).toBeGreaterThan(0);
    // Typing what was offered answers with that topic.
    const [answer] = await t!.app.dispatcher.runText(caller('you'), offered[0]!);
    expect(answer!.title).toBeTruthy();
    expect(answer!.buttons?.length).toBeGreaterThan(0);
  });

  it('a button and the line it becomes give the same answer', async () => {
    t = await makeTestApp();
    const d = t.app.dispatcher;
    const [entry] = await d.runText(caller('you'), '/explain emergence');
    const ids = [...entry!.buttons!.map((b) => b.id), 'leaderboard:global', 'stats:me'];
    for (const id of ids) {
      const line = buttonCommandLine(id, (n) => d.command(n));
      expect(line, id).toMatch(/^\//);
      const viaButton = await d.runButton(caller('you'), id);
      const viaText = await d.runText(caller('you'), line!);
      expect(viaText.map((r) => plainText(r.text)), line!).toEqual(viaButton.map((r) => plainText(r.text)));
    }
  });

  it('writes each button form as text, and leaves out what has none', () => {
    const command = (name: string) => commands.find((c) => c.name === name);
    expect(buttonCommandLine('leaderboard:global', command)).toBe('/leaderboard scope:global');
    expect(buttonCommandLine('explain:topic=knowledge%20compression&detail=long', command)).toBe(
      '/explain topic:"knowledge compression" detail:long',
    );
    expect(buttonCommandLine('privacy:action=forget-me&confirm=AB12', command)).toBe('/privacy action:forget-me confirm:AB12');
    expect(buttonCommandLine('guess:6f1c', command)).toBeNull();
    expect(buttonCommandLine('dance:wildly', command)).toBeNull();
    expect(buttonCommandLine('explain:topic=%22x%22', command)).toBeNull();
  });
});

describe('ANSI pictures', () => {
  it('draws a 64x64 step as 64 columns by 32 rows of half blocks, in the step colours', async () => {
    const raw = Buffer.alloc(512 * 512 * 3);
    for (let y = 0; y < 512; y++)
      for (let x = 0; x < 512; x++) {
        const i = (y * 512 + x) * 3;
        raw[i] = y < 256 ? 255 : 0;
        raw[i + 2] = y < 256 ? 0 : 255;
      }
    const png = await sharp(raw, { raw: { width: 512, height: 512, channels: 3 } }).png().toBuffer();
    const art = await ansiPicture(png);
    const lines = art.split('\n');
    expect(lines).toHaveLength(32);
    expect(lines[0]!.match(/▀/g)).toHaveLength(64);
    expect(lines[0]).toContain('\x1b[38;2;255;0;0m\x1b[48;2;255;0;0m');
    expect(lines[31]).toContain('\x1b[38;2;0;0;255m\x1b[48;2;0;0;255m');
  });
});

describe('npm start with piped stdin', () => {
  it('plays in the terminal with no tokens, storing scores in SQLite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emergence-start-'));
    try {
      const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        input: '/play item:the-kiss\nthe kiss\n/leaderboard\n',
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DATABASE_PATH: join(dir, 'e.db'),
          LADDER_CACHE_DIR: join(dir, 'cache'),
          TERMINAL_OUT_DIR: join(dir, 'out'),
          LOG_LEVEL: 'warn',
        },
      });
      expect(res.stderr).not.toMatch(/Error/);
      expect(res.stdout).toContain('You win this round');
      expect(res.stdout).toMatch(/1\. you: 6 pts/);
      expect(res.status).toBe(0);
      expect(existsSync(join(dir, 'e.db'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
