/**
 * `/healthz` for a container's HEALTHCHECK or a load balancer: is the database answering, and is
 * each chat adapter connected. 200 with `"ok": true` when all is well, else 503, both as JSON.
 * Served on HEALTH_PORT (any mode) and, in Slack HTTP mode, on the Slack receiver's port too.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import type { App } from './app.ts';

export const HEALTH_PATH = '/healthz';

export interface AdapterHealth {
  name: string;
  /** Absent for parts that have no connection to report (the health server itself). */
  connected?(): boolean;
  /**
   * Sharded Discord: each shard process of this machine, by shard id. The shards report to the manager
   * (discord.js passes each client's ready, disconnect, reconnect and resume over IPC), and a shard
   * that died is down until its respawn is ready again. The adapter is connected only when all are.
   */
  shards?(): Record<string, ConnectionState>;
}

export type ConnectionState = 'connected' | 'disconnected';

export interface HealthReport {
  ok: boolean;
  database: 'ok' | 'error';
  adapters: Record<string, ConnectionState>;
  /** Per adapter that runs shards (Discord): each shard's state. */
  shards?: Record<string, Record<string, ConnectionState>>;
}

export type HealthCheck = () => Promise<HealthReport>;

/** `adapters` is read at each request: adapters that start later are reported once they are up. */
export function createHealthCheck(app: Pick<App, 'store'>, adapters: readonly AdapterHealth[]): HealthCheck {
  return async () => {
    let database: HealthReport['database'] = 'ok';
    try {
      await sql`select 1`.execute(app.store.db);
    } catch {
      database = 'error';
    }
    const report: HealthReport['adapters'] = {};
    let shards: HealthReport['shards'];
    for (const a of adapters) {
      if (a.shards) {
        const each = a.shards();
        (shards ??= {})[a.name] = each;
        const all = Object.values(each);
        report[a.name] = all.length > 0 && all.every((s) => s === 'connected') ? 'connected' : 'disconnected';
      } else if (a.connected) {
        report[a.name] = a.connected() ? 'connected' : 'disconnected';
      }
    }
    const ok = database === 'ok' && Object.values(report).every((s) => s === 'connected');
    return { ok, database, adapters: report, ...(shards ? { shards } : {}) };
  };
}

/** A plain node:http handler for GET /healthz (also used as a Bolt custom route). */
export function healthHandler(check: HealthCheck): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    check().then(
      (report) => send(res, report.ok ? 200 : 503, report),
      () => send(res, 503, { ok: false }),
    );
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(text);
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** Listens on `port` (0 picks a free one) and answers only /healthz. */
export async function startHealthServer(o: { port: number; host?: string; check: HealthCheck }): Promise<HealthServer> {
  const handle = healthHandler(o.check);
  const server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] === HEALTH_PATH) handle(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
