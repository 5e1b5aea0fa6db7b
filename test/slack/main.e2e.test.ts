/** `npm start` with Slack tokens: main.ts starts the Slack adapter (Socket Mode), answers, and shuts down on SIGTERM. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { APP_TOKEN, BOT_TOKEN, FakeSlack } from './fake-slack.ts';
import { USERS, waitFor } from './harness.ts';

it('main.ts starts the Slack adapter from the environment, answers a command, and stops cleanly on SIGTERM', async () => {
  const slack = await FakeSlack.start({ users: USERS });
  const dir = mkdtempSync(join(tmpdir(), 'emergence-slack-main-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      DATABASE_PATH: join(dir, 'e.db'),
      LADDER_CACHE_DIR: join(dir, 'cache'),
      LOG_LEVEL: 'debug',
    },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    await slack.connected();
    await slack.sendEnvelope('slash_commands', slack.slashPayload({ command: '/emergence', text: 'help', user: 'UALICE', channel: 'C1' }));
    // Help is private: an ephemeral message to the one who asked.
    await waitFor(() => slack.ephemerals.length > 0, 'the help message');
    expect(slack.ephemerals[0]).toMatchObject({ user: 'UALICE', channel: 'C1' });
    expect(slack.ephemerals[0]!.text).toContain('Emergence: the picture experiment as a game');
    expect(slack.messages).toEqual([]);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('slack adapter started');
    expect(out).not.toContain(BOT_TOKEN);
    expect(out).not.toContain(APP_TOKEN);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
