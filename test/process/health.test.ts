/** GET /healthz: over HTTP from a real bot process, on the Slack HTTP receiver's port, and when the database fails. */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startSlack } from '../../src/adapters/slack/start.ts';
import { createHealthCheck, startHealthServer } from '../../src/health.ts';
import { makeTestApp, type TestApp } from '../fakes/test-app.ts';
import { APP_TOKEN, BOT_TOKEN, FakeSlack, SIGNING_SECRET } from '../slack/fake-slack.ts';
import { USERS } from '../slack/harness.ts';
import { startBot, waitFor, type Bot } from './proc.ts';

let bot: Bot | undefined;
let t: TestApp | undefined;
let slack: FakeSlack | undefined;
afterEach(async () => {
  await bot?.cleanup();
  await t?.cleanup();
  await slack?.stop();
  bot = t = slack = undefined;
});

/** The port a bot process logged for its health server. */
function loggedPort(b: Bot): number | undefined {
  for (const line of b.out().concat(b.err()).split('\n')) {
    if (!line.includes('/healthz')) continue;
    const port = (JSON.parse(line) as { port?: number }).port;
    if (port) return port;
  }
  return undefined;
}

describe('/healthz', () => {
  it('a bot started with HEALTH_PORT reports its database and its Slack connection', async () => {
    slack = await FakeSlack.start({ users: USERS });
    const b = startBot(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      HEALTH_PORT: '0',
      LOG_LEVEL: 'info',
    });
    bot = b;
    await waitFor(() => loggedPort(b) !== undefined, `the health port in the log (${b.err()})`);
    const base = `http://127.0.0.1:${loggedPort(b)}`;
    await slack.connected();
    await waitFor(() => b.out().includes('slack adapter started'), 'the Slack adapter');
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ ok: true, database: 'ok', adapters: { slack: 'connected' } });
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/`)).status).toBe(404);
    b.child.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
  }, 60_000);

  it('is served on the Slack receiver port in HTTP mode', async () => {
    slack = await FakeSlack.start({ users: USERS });
    t = await makeTestApp();
    const running: { name: string; connected?(): boolean }[] = [];
    const s = await startSlack({
      app: t.app,
      log: pino({ level: 'silent' }),
      config: {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_APP_TOKEN: undefined,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_MODE: 'http',
        SLACK_API_URL: slack.apiUrl,
        SLACK_HOST_USERS: 'UHOST',
        PORT: 0,
      },
      clientOptions: { retryConfig: { retries: 0 } },
      health: createHealthCheck(t.app, running),
    });
    running.push({ name: 'slack', connected: () => s.connected() });
    try {
      const res = await fetch(`http://127.0.0.1:${s.port}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, database: 'ok', adapters: { slack: 'connected' } });
    } finally {
      await s.stop();
    }
    expect(s.connected()).toBe(false);
  }, 60_000);

  it('answers 503 when the database does not, or an adapter is down', async () => {
    t = await makeTestApp();
    let up = true;
    const server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      check: createHealthCheck(t.app, [{ name: 'health' }, { name: 'discord', connected: () => up }]),
    });
    try {
      const url = `http://127.0.0.1:${server.port}/healthz`;
      expect(await (await fetch(url)).json()).toEqual({ ok: true, database: 'ok', adapters: { discord: 'connected' } });
      up = false;
      const down = await fetch(url);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ ok: false, database: 'ok', adapters: { discord: 'disconnected' } });
      up = true;
      await t.app.store.close();
      const broken = await fetch(url);
      expect(broken.status).toBe(503);
      expect(await broken.json()).toEqual({ ok: false, database: 'error', adapters: { discord: 'connected' } });
    } finally {
      await server.close();
    }
  }, 30_000);
});
