/**
 * Starts the Slack adapter. One code path for both modes: the same Bolt App and
 * listeners; only the receiver differs.
 *   - Socket Mode (default): SLACK_APP_TOKEN (xapp-…) + SLACK_BOT_TOKEN; no public URL.
 *   - HTTP mode (SLACK_MODE=http): SLACK_SIGNING_SECRET + PORT; Slack posts to /slack/events,
 *     requests with a bad signature or a stale timestamp are refused with 401.
 * SLACK_API_URL points the Web API (and `apps.connections.open`) elsewhere, e.g. a fake Slack in tests.
 */
import type { AddressInfo } from 'node:net';
import { App as BoltApp, HTTPReceiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { App } from '../../app.ts';
import type { Config } from '../../config/config.ts';
import { HEALTH_PATH, healthHandler, type HealthCheck } from '../../health.ts';
import { SlackAdapter } from './adapter.ts';
import { boltLogger } from './bolt-logger.ts';
import { parseHostUsers } from './inbound.ts';

export const EVENTS_PATH = '/slack/events';

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
}

export interface RunningSlack {
  stop(): Promise<void>;
  adapter: SlackAdapter;
  mode: 'socket' | 'http';
  /** HTTP mode: the port actually listened on (PORT=0 picks a free one). */
  port?: number;
  /** Socket Mode: the WebSocket is up; HTTP mode: the server is listening. */
  connected(): boolean;
}

export async function startSlack(o: StartSlackOptions): Promise<RunningSlack> {
  const c = o.config;
  if (!c.SLACK_BOT_TOKEN) throw new Error('SLACK_BOT_TOKEN is required for the Slack adapter');
  const mode = c.SLACK_MODE ?? 'socket';
  const logger = boltLogger(o.log);
  const apiUrl = c.SLACK_API_URL ? (c.SLACK_API_URL.endsWith('/') ? c.SLACK_API_URL : `${c.SLACK_API_URL}/`) : undefined;
  const clientOptions = (): webApi.WebClientOptions => ({
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    ...o.clientOptions,
  });

  let socket: SocketModeReceiver | undefined;
  let http: HTTPReceiver | undefined;
  if (mode === 'socket') {
    if (!c.SLACK_APP_TOKEN) throw new Error('SLACK_APP_TOKEN is required for Socket Mode (or set SLACK_MODE=http)');
    // The Socket Mode client has its own Web API client (for apps.connections.open): it gets the same options.
    socket = new SocketModeReceiver({ appToken: c.SLACK_APP_TOKEN, logger, installerOptions: { clientOptions: clientOptions() } });
  } else {
    if (!c.SLACK_SIGNING_SECRET) throw new Error('SLACK_SIGNING_SECRET is required when SLACK_MODE=http');
    http = new HTTPReceiver({
      signingSecret: c.SLACK_SIGNING_SECRET,
      endpoints: [EVENTS_PATH],
      logger,
      customRoutes: o.health ? [{ path: HEALTH_PATH, method: ['GET', 'HEAD'], handler: healthHandler(o.health) }] : [],
    });
  }

  const bolt = new BoltApp({
    token: c.SLACK_BOT_TOKEN,
    receiver: socket ?? http,
    socketMode: mode === 'socket',
    logger,
    clientOptions: clientOptions(),
    // auth.test runs in init(), so a bad token fails here with a clear error instead of an unhandled rejection.
    deferInitialization: true,
  });
  await bolt.init();

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
  if (http) {
    const server = (await bolt.start(c.PORT)) as unknown as { address(): AddressInfo | string | null };
    const addr = server.address();
    port = typeof addr === 'object' && addr ? addr.port : c.PORT;
    up = true;
  } else {
    await bolt.start();
  }
  o.log.info({ mode, port }, 'slack adapter started');

  let stopped = false;
  return {
    adapter,
    mode,
    port,
    connected: () => up && !stopped,
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
