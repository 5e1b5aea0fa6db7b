/**
 * The compiled bot (`npm run build`, then `node dist/main.js`, as the Docker image runs it):
 * assets, locales, the knowledge base and npm-packaged pictures resolve from dist/, and Discord
 * shards run dist/shard-main.js with plain node.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../discord/fake-discord.ts';
import { ROOT, alive, descendants, startBot, waitFor, type Bot } from './proc.ts';

let bot: Bot | undefined;
let fake: FakeDiscord | undefined;
afterEach(async () => {
  await bot?.cleanup();
  await fake?.close();
  bot = fake = undefined;
});

beforeAll(() => {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  expect(existsSync(join(ROOT, 'dist', 'main.js'))).toBe(true);
}, 120_000);

describe('node dist/main.js', () => {
  it('plays a scripted terminal game: pictures, a deck from an npm package, /explain, locales', async () => {
    const b = startBot(process.execPath, ['dist/main.js'], { STEP_SECONDS: '120' });
    bot = b;
    b.child.stdin.end(
      ['/play deck:landmarks item:eiffel-tower', 'eiffel tower', '/play deck:flags item:fr', 'france', '/explain emergence', '/leaderboard', ''].join(
        '\n',
      ),
    );
    const { code } = await b.exited;
    expect(code, b.err()).toBe(0);
    expect(b.out()).toContain('It was: Eiffel Tower');
    expect(b.out()).toContain('It was: France');
    expect(b.out()).toMatch(/Leaderboard/);
    expect(b.out()).toContain('== Emergence ==');
    expect(existsSync(join(b.dir, 'out', 'recap.png'))).toBe(true);
    expect(b.err()).toBe('');
  }, 60_000);

  it('runs Discord shards as compiled processes, and SIGTERM stops them all', async () => {
    fake = await FakeDiscord.start({ shards: 1 });
    const f = fake;
    const b = startBot(process.execPath, ['dist/main.js'], {
      DISCORD_TOKEN: f.token,
      DISCORD_APP_ID: f.appId,
      DISCORD_API_BASE: f.apiBase,
      DISCORD_SHARDS: '1',
      LOG_LEVEL: 'warn',
    });
    bot = b;
    await waitFor(() => f.identifies.length === 1, `the shard to identify (${b.err()}${b.out()})`, 60_000);
    const help = await f.waitForAnswer(f.sendInteraction(f.command('help')));
    expect(help.embeds[0].title).toContain('Emergence');
    const tree = descendants(b.child.pid!);
    const ps = spawnSync('ps', ['-o', 'args=', '-p', tree.join(',')], { encoding: 'utf8' }).stdout;
    expect(ps).toContain(join('dist', 'shard-main.js'));
    expect(ps).not.toContain('tsx');
    b.child.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
    await waitFor(() => tree.every((pid) => !alive(pid)), 'the shard processes to exit');
  }, 90_000);
});
