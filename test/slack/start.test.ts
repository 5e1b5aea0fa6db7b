/**
 * Slack start with the API unreachable: a warning naming the API URL at each attempt, then,
 * within the start-up budget, a StartupError that names it too. Against a closed port, with
 * the real Web API client.
 */
import { createServer } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startSlack } from '../../src/adapters/slack/start.ts';
import { StartupError } from '../../src/config/startup-error.ts';
import { makeTestApp, type TestApp } from '../fakes/test-app.ts';
import { APP_TOKEN, BOT_TOKEN, FakeSlack } from './fake-slack.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** A port nothing listens on: bound once to learn a free number, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function capture() {
  const lines: { level: number; msg: string; api?: string; attempt?: number }[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as (typeof lines)[number]) });
  return { log, lines };
}

describe('Slack start-up', () => {
  it.each(['socket', 'http'] as const)(
    'with the API unreachable (%s mode), fails within the budget with an error naming the API URL, warning at each attempt',
    async (mode) => {
      t = await makeTestApp();
      const apiUrl = `http://127.0.0.1:${await closedPort()}/api/`;
      const { log, lines } = capture();
      const start = startSlack({
        app: t.app,
        log,
        config: {
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_APP_TOKEN: APP_TOKEN,
          SLACK_SIGNING_SECRET: mode === 'http' ? 'secret' : undefined,
          SLACK_MODE: mode,
          SLACK_API_URL: apiUrl,
          SLACK_HOST_USERS: undefined,
          PORT: 0,
        },
        startTimeoutMs: 1_500,
      });
      const err = await start.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toContain(`Cannot reach the Slack API at ${apiUrl}`);
      expect((err as Error).message).toMatch(/ECONNREFUSED/);
      const warnings = lines.filter((l) => l.level === 40 && l.api === apiUrl);
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(warnings.map((w) => w.attempt)).toEqual(warnings.map((_, i) => i + 1));
      expect(warnings[0]!.msg).toContain(`cannot reach the Slack API at ${apiUrl}`);
      expect(lines.some((l) => l.msg === 'slack adapter started')).toBe(false);
      expect(JSON.stringify(lines)).not.toContain(BOT_TOKEN);
    },
    30_000,
  );

  it('a token Slack refuses fails at once, with a clear error', async () => {
    t = await makeTestApp();
    const slack = await FakeSlack.start({ botToken: 'xoxb-another-token' });
    try {
      const { log } = capture();
      const err = await startSlack({
        app: t.app,
        log,
        config: {
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_APP_TOKEN: APP_TOKEN,
          SLACK_SIGNING_SECRET: undefined,
          SLACK_MODE: 'socket',
          SLACK_API_URL: slack.apiUrl,
          SLACK_HOST_USERS: undefined,
          PORT: 0,
        },
        startTimeoutMs: 60_000,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toContain('Slack refused SLACK_BOT_TOKEN');
      expect((err as Error).message).toContain('invalid_auth');
      expect(slack.callsTo('auth.test')).toHaveLength(1);
    } finally {
      await slack.stop();
    }
  });
});
