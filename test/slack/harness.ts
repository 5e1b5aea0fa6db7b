/**
 * One Slack world for a test: a real app (SQLite file, FakeClock), the fake Slack, and
 * the real Bolt App started by `startSlack` in Socket Mode or HTTP mode. The transport
 * delivers payloads the way Slack would in each mode; `settle()` waits for the adapter
 * to finish handling them.
 */
import pino, { type Logger } from 'pino';
import { startSlack, EVENTS_PATH, type RunningSlack } from '../../src/adapters/slack/start.ts';
import { makeTestApp, type TestApp } from '../fakes/test-app.ts';
import { APP_TOKEN, BOT_TOKEN, FakeSlack, SIGNING_SECRET, formBody, payloadBody, signedPost, type FakeUser } from './fake-slack.ts';

export type Mode = 'socket' | 'http';

export const CHANNEL = 'C0GAME';
export const USERS: FakeUser[] = [
  { id: 'UHOST', name: 'hostess', display_name: 'Hostess', locale: 'en-US' },
  { id: 'UADMIN', name: 'admin', display_name: 'Ada', is_admin: true, locale: 'en-GB' },
  { id: 'UALICE', name: 'alice', display_name: 'Alice', locale: 'en-US' },
  { id: 'UBOB', name: 'bob', display_name: 'Bob', locale: 'en-US' },
  { id: 'UWANG', name: 'wang', display_name: '小王', locale: 'zh-CN' },
  { id: 'UEVIL', name: 'evil', display_name: '<!channel> & @everyone <@UADMIN>', locale: 'en-US' },
];

export interface World {
  mode: Mode;
  t: TestApp;
  slack: FakeSlack;
  running: RunningSlack;
  /** A slash command; resolves with the ack's body once handled. */
  slash(user: string, text: string, command?: string, channel?: string): Promise<unknown>;
  /** A button press on a message (`ephemeral`: on a message only that user sees). */
  button(user: string, actionId: string, messageTs: string, channel?: string, o?: { ephemeral?: boolean }): Promise<unknown>;
  /** A modal submission (the view as opened by the app). */
  submit(user: string, view: Record<string, unknown>, value: string): Promise<unknown>;
  /** A modal submission with any state values (file_input, checkboxes …). */
  submitValues(user: string, view: Record<string, unknown>, values: Record<string, Record<string, Record<string, unknown>>>): Promise<unknown>;
  /** A message typed in a channel (or a thread). */
  say(user: string, text: string, o?: { channel?: string; thread_ts?: string }): Promise<void>;
  /** Any Events API payload (built with slack.messageEventBody …). */
  event(body: Record<string, unknown>): Promise<void>;
  /** Waits until the adapter has finished every interaction it received. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function waitFor(cond: () => boolean, what = 'condition', timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface WorldOptions {
  hostUsers?: string;
  log?: Logger;
  /** More users than USERS. */
  users?: FakeUser[];
  /** Share a database file with another world (another instance on the same database). */
  databasePath?: string;
  /** ATTACHMENT_HOSTS for the app (the fake's own host, for the `/deck add` modal's downloads). */
  attachmentHosts?: string;
}

export async function makeWorld(mode: Mode, o: WorldOptions = {}): Promise<World> {
  const slack = await FakeSlack.start({ users: [...USERS, ...(o.users ?? [])] });
  const t = await makeTestApp({
    ...(o.databasePath ? { databasePath: o.databasePath } : {}),
    ...(o.attachmentHosts === undefined ? {} : { attachmentHosts: o.attachmentHosts === 'self' ? `127.0.0.1:${slack.port}` : o.attachmentHosts, slackToken: BOT_TOKEN }),
  });
  const log = o.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const running = await startSlack({
    app: t.app,
    log,
    config: {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: mode === 'socket' ? APP_TOKEN : undefined,
      SLACK_SIGNING_SECRET: mode === 'http' ? SIGNING_SECRET : undefined,
      SLACK_MODE: mode,
      SLACK_API_URL: slack.apiUrl,
      SLACK_HOST_USERS: o.hostUsers ?? 'UHOST',
      PORT: 0,
    },
    clientOptions: { retryConfig: { retries: 0 } },
    imageRetryMs: 0,
  });
  if (mode === 'socket') await slack.connected();
  const adapter = running.adapter;
  const url = `http://127.0.0.1:${running.port}${EVENTS_PATH}`;

  async function deliver(kind: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>): Promise<unknown> {
    const before = adapter.started;
    let ack: unknown;
    if (mode === 'socket') ack = await slack.sendEnvelope(kind, payload);
    else {
      const body =
        kind === 'slash_commands' ? formBody(payload as Record<string, string>) : kind === 'interactive' ? payloadBody(payload) : JSON.stringify(payload);
      const res = await signedPost(url, body, { secret: SIGNING_SECRET, contentType: kind === 'events_api' ? 'application/json' : undefined });
      if (res.status !== 200) throw new Error(`HTTP ${res.status} from the app`);
      ack = res.text ? JSON.parse(res.text) : {};
    }
    await waitFor(() => adapter.started > before, `the adapter to take the ${kind}`);
    await adapter.idle();
    return ack;
  }

  return {
    mode,
    t,
    slack,
    running,
    slash: (user, text, command = '/emergence', channel = CHANNEL) =>
      deliver('slash_commands', slack.slashPayload({ command, text, user, channel })),
    button: (user, actionId, messageTs, channel = CHANNEL, o2 = {}) =>
      deliver('interactive', slack.actionPayload({ actionId, user, channel, messageTs, ephemeral: o2.ephemeral })),
    submit: (user, view, value) => deliver('interactive', slack.viewSubmissionPayload({ user, view, value })),
    submitValues: (user, view, values) => deliver('interactive', slack.viewSubmissionWith({ user, view, values })),
    say: async (user, text, o2 = {}) => {
      await deliver('events_api', slack.messageEventBody({ user, channel: o2.channel ?? CHANNEL, text, thread_ts: o2.thread_ts }));
    },
    event: async (body) => {
      await deliver('events_api', body);
    },
    settle: () => adapter.idle(),
    async close() {
      await running.stop();
      await slack.stop();
      await t.cleanup();
    },
  };
}
