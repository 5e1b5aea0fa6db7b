/**
 * Starts the Slack adapter. One code path for both modes: the same Bolt App and
 * listeners; only the receiver differs.
 *   - Socket Mode (default): SLACK_APP_TOKEN (xapp-…) + SLACK_BOT_TOKEN; no public URL.
 *   - HTTP mode (SLACK_MODE=http): SLACK_SIGNING_SECRET + PORT; Slack posts to /slack/events,
 *     requests with a bad signature, a stale timestamp or one more than 5 minutes ahead are refused with 401.
 * SLACK_API_URL points the Web API (and `apps.connections.open`) elsewhere, e.g. a fake Slack in tests.
 *
 * Start-up is bounded: the Slack API must answer `auth.test` within `startTimeoutMs` (60 s by
 * default). Each failed attempt is logged as a warning naming the API URL; at the deadline start
 * fails with a StartupError that names it too. A refused token fails at once.
 */
import type { AddressInfo } from 'node:net';
import { App as BoltApp, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { App } from '../../app.ts';
import type { Config } from '../../config/config.ts';
import { HEALTH_PATH, healthHandler, type HealthCheck } from '../../health.ts';
import { StartupError } from '../../config/startup-error.ts';
import { SlackEventLog } from '../../storage/slack-events.ts';
import { SlackAdapter } from './adapter.ts';
import { boltLogger } from './bolt-logger.ts';
import { handleOnce, httpDeliveryProps, refuseFutureRequests, socketDeliveryProps } from './deliveries.ts';
import { parseHostUsers } from './inbound.ts';
import { slackErrorCode } from './outbound.ts';

export const EVENTS_PATH = '/slack/events';
export const DEFAULT_API_URL = 'https://slack.com/api/';
export const DEFAULT_START_TIMEOUT_MS = 60_000;

export interface StartSlackOptions {
  app: App;
  config: Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_MODE' | 'SLACK_API_URL' | 'SLACK_HOST_USERS' | 'PORT'>;
  log: Logger;
  /** Extra Web API client options (tests set a small `retryConfig`). */
  clientOptions?: webApi.WebClientOptions;
  /** Wait before retrying an image block Slack refused (tests: 0). */
  imageRetryMs?: number;
  /** HTTP mode: also answer GET /healthz on the receiver's port. */
  health?: HealthCheck;
  /** How long start-up keeps trying to reach the Slack API before it fails (default 60 s). */
  startTimeoutMs?: number;
}

export interface RunningSlack {
  stop(): Promise<void>;
  adapter: SlackAdapter;
  mode: 'socket' | 'http';
  /** HTTP mode: the port actually listened on (PORT=0 picks a free one). */
  port?: number;
  /** Socket Mode: the WebSocket is up; HTTP mode: the server is listening. */
  connected(): boolean;
  /** Deliveries dropped as repeats (Slack retries, replays, envelopes sent again) since start. */
  readonly repeatsIgnored: number;
}

export async function startSlack(o: StartSlackOptions): Promise<RunningSlack> {
  const c = o.config;
  if (!c.SLACK_BOT_TOKEN) throw new StartupError('SLACK_BOT_TOKEN is required for the Slack adapter');
  const mode = c.SLACK_MODE ?? 'socket';
  const logger = boltLogger(o.log);
  const apiUrl = c.SLACK_API_URL ? (c.SLACK_API_URL.endsWith('/') ? c.SLACK_API_URL : `${c.SLACK_API_URL}/`) : undefined;
  const clientOptions = (): webApi.WebClientOptions => ({
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    ...o.clientOptions,
  });
  const budgetMs = o.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const deadline = Date.now() + budgetMs;
  const shownUrl = apiUrl ?? DEFAULT_API_URL;

  let socket: SocketModeReceiver | undefined;
  let http: HTTPReceiver | undefined;
  if (mode === 'socket') {
    if (!c.SLACK_APP_TOKEN) throw new StartupError('SLACK_APP_TOKEN is required for Socket Mode (or set SLACK_MODE=http)');
    // The Socket Mode client has its own Web API client (for apps.connections.open): it gets the same options.
    socket = new SocketModeReceiver({
      appToken: c.SLACK_APP_TOKEN,
      logger,
      installerOptions: { clientOptions: clientOptions() },
      customPropertiesExtractor: socketDeliveryProps,
    });
  } else {
    if (!c.SLACK_SIGNING_SECRET) throw new StartupError('SLACK_SIGNING_SECRET is required when SLACK_MODE=http');
    http = new HTTPReceiver({
      signingSecret: c.SLACK_SIGNING_SECRET,
      endpoints: [EVENTS_PATH],
      logger,
      customRoutes: o.health ? [{ path: HEALTH_PATH, method: ['GET', 'HEAD'], handler: healthHandler(o.health) }] : [],
      customPropertiesExtractor: httpDeliveryProps,
    });
    refuseFutureRequests(http, EVENTS_PATH, o.log.child({ adapter: 'slack' }));
  }

  await reachSlack({ token: c.SLACK_BOT_TOKEN, url: shownUrl, clientOptions: clientOptions(), budgetMs, log: o.log });

  const bolt = new BoltApp({
    token: c.SLACK_BOT_TOKEN,
    receiver: socket ?? http,
    socketMode: mode === 'socket',
    logger,
    clientOptions: clientOptions(),
    // auth.test runs in init(), so a bad token fails here with a clear error instead of an unhandled rejection.
    deferInitialization: true,
  });
  // Before any listener: retries and replays stop here, whichever instance sees them.
  const once = handleOnce(bolt, { log: new SlackEventLog(o.app.store.db), logger: o.log.child({ adapter: 'slack' }) });

  const adapter = new SlackAdapter({
    app: o.app,
    bolt,
    client: bolt.client,
    log: o.log.child({ adapter: 'slack' }),
    hostUsers: parseHostUsers(c.SLACK_HOST_USERS),
    imageRetryMs: o.imageRetryMs,
  });

  let up = false;
  if (socket) {
    socket.client.on('connected', () => (up = true));
    socket.client.on('reconnecting', () => (up = false));
    socket.client.on('disconnected', () => (up = false));
  }
  let port: number | undefined;
  try {
    await beforeDeadline(deadline, shownUrl, async () => {
      await bolt.init();
      if (http) {
        const server = (await bolt.start(c.PORT)) as unknown as { address(): AddressInfo | string | null };
        const addr = server.address();
        port = typeof addr === 'object' && addr ? addr.port : c.PORT;
        up = true;
      } else {
        await bolt.start();
      }
    });
  } catch (err) {
    // Nothing may keep retrying or listening behind a failed start.
    if (socket) await socket.client.disconnect().catch(() => undefined);
    if (err instanceof StartupError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new StartupError(`Slack HTTP mode cannot listen on PORT=${c.PORT} (${code}). Choose another PORT.`, { cause: err });
    throw new StartupError(`Slack start failed at ${shownUrl}: ${describe(err)}`, { cause: err });
  }
  o.log.info({ mode, port }, 'slack adapter started');

  let stopped = false;
  return {
    adapter,
    mode,
    port,
    connected: () => up && !stopped,
    get repeatsIgnored() {
      return once.repeats;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (socket) {
        // Wait for the socket to close (Bolt's own stop does not), so nothing reconnects or lingers.
        await socket.client.disconnect();
      } else {
        const server = (http as unknown as { server?: { closeAllConnections?: () => void } }).server;
        const closing = bolt.stop();
        server?.closeAllConnections?.();
        await closing;
      }
      await adapter.idle();
    },
  };
}

/**
 * `auth.test` until Slack answers, for at most `budgetMs`: one warning per failed attempt, naming
 * the URL and when the next try is; then a StartupError naming the URL. The SDK's own default
 * would retry quietly for about half an hour.
 */
async function reachSlack(o: {
  token: string;
  url: string;
  clientOptions: webApi.WebClientOptions;
  budgetMs: number;
  log: Logger;
}): Promise<void> {
  const started = Date.now();
  const retryConfig = {
    retries: 1_000,
    factor: 2,
    minTimeout: Math.min(1_000, o.budgetMs / 4),
    maxTimeout: Math.min(10_000, o.budgetMs / 2),
    maxRetryTime: o.budgetMs,
    onFailedAttempt: (e: { attemptNumber: number; message: string }) => {
      o.log.warn(
        { api: o.url, attempt: e.attemptNumber, reason: e.message.slice(0, 200), give_up_in_s: Math.max(0, Math.round((started + o.budgetMs - Date.now()) / 1000)) },
        `slack: cannot reach the Slack API at ${o.url} (attempt ${e.attemptNumber}); retrying`,
      );
    },
  };
  const client = new webApi.WebClient(o.token, {
    ...o.clientOptions,
    // Quiet: every attempt is reported once, by the warning above.
    logLevel: webApi.LogLevel.ERROR,
    logger: undefined,
    retryConfig: retryConfig as webApi.RetryOptions,
    // A silent network (no refusal, no answer) must not outlast the budget either.
    timeout: Math.max(1_000, Math.min(10_000, o.budgetMs)),
  });
  try {
    await beforeDeadline(started + o.budgetMs + 1_000, o.url, () => client.auth.test());
  } catch (err) {
    if (err instanceof StartupError) throw err;
    const code = slackErrorCode(err);
    if (code) {
      throw new StartupError(`Slack refused SLACK_BOT_TOKEN at ${o.url} (${code}). Check the Bot User OAuth Token (xoxb-…) under OAuth & Permissions.`, { cause: err });
    }
    throw new StartupError(
      `Cannot reach the Slack API at ${o.url} (${describe(err)}); gave up after ${Math.round((Date.now() - started) / 1000)} s. Check SLACK_API_URL and the network.`,
      { cause: err },
    );
  }
}

/** Runs `work`, or fails with a StartupError naming the API URL once the deadline passes. */
async function beforeDeadline<T>(deadline: number, url: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StartupError(`The Slack API at ${url} did not answer in time; start gave up. Check SLACK_API_URL and the network.`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([work(), late]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(err: unknown): string {
  const e = err as { original?: { message?: string; cause?: { code?: string } }; message?: string } | undefined;
  const code = e?.original?.cause?.code;
  const msg = e?.original?.message ?? e?.message ?? String(err);
  return (code ? `${code}: ${msg}` : msg).slice(0, 300);
}
