/**
 * A small fake Discord on 127.0.0.1, enough for the REAL discord.js client:
 *
 *   REST (node:http), under `/api/v10`:
 *     GET  /gateway/bot                       → this server's gateway URL
 *     GET  /users/@me, GET /channels/:id
 *     POST /interactions/:id/:token/callback  → recorded (JSON or multipart: payload_json + files[n]);
 *                                               a first reply after the deadline gets 10062
 *     GET|PATCH|DELETE /webhooks/:app/:token/messages/@original (arrives as %40original)
 *     POST /webhooks/:app/:token              → follow-ups
 *     POST /channels/:id/messages, PATCH|GET /channels/:id/messages/:mid, reactions
 *     GET|PUT|POST /applications/:app[/guilds/:gid]/commands
 *     POST /users/@me/channels (a DM channel) and its messages; a user in `dmRefused` gets 50007
 *     GET|POST /guilds/:gid/scheduled-events, GET|PATCH|DELETE /guilds/:gid/scheduled-events/:id: checked as
 *       Discord does (Create/Manage Events, an external event's location and end, a start not in the past
 *       by `now()`, the status moves scheduled → active → completed, or scheduled → canceled)
 *     anything else → 404 with a JSON error code
 *   Gateway (ws) at /gateway: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeat ACK,
 *   RESUME → replay + RESUMED; `dropConnection()` kills the sockets, `dispatch()` sends events.
 *   One session per shard: IDENTIFY with `shard: [id, count]` gets the guilds Discord's formula
 *   puts on that shard (`(guild_id >> 22) % count`), and each guild's events go to its shard's
 *   session only, so several shard processes (or machines) can share one fake.
 *   429s with a `Retry-After` header on demand (`rateLimit()`); a request that comes back
 *   before the window is over gets another 429 and counts as a violation.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface RecordedFile {
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path without the `/api/v10` prefix, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  query: URLSearchParams;
  /** The JSON body (for multipart: the parsed `payload_json`). */
  body: any;
  files: RecordedFile[];
  status: number;
  at: number;
}

export interface FakeAttachment {
  id: string;
  filename: string;
  data: Buffer;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: any[];
  components: any[];
  attachments: FakeAttachment[];
  flags: number;
  allowed_mentions: any;
  /** Every version, the first being the created message. */
  history: { content: string; embeds: any[]; components: any[]; attachments: FakeAttachment[]; allowed_mentions: any }[];
  deleted: boolean;
  reactions: string[];
  interactionId?: string;
}

export interface FakeInteraction {
  id: string;
  token: string;
  payload: any;
  dispatchedAt: number;
  /** The interaction callback (type 4 reply, 5 defer, 8 autocomplete, 9 modal …). */
  callback?: { type: number; data: any; files: RecordedFile[] };
  original?: FakeMessage;
  followups: FakeMessage[];
  lateAttempts: number;
}

export interface FakeGuildOptions {
  id: string;
  name?: string;
  channels: { id: string; name?: string; type?: number }[];
  roles?: { id: string; name: string; permissions?: string }[];
  locale?: string;
  /** Extra guild permissions of the bot, through a role of its own (e.g. Create Events). */
  botPermissions?: string;
}

export interface FakeScheduledEvent {
  id: string;
  guild_id: string;
  name: string;
  description: string | null;
  scheduled_start_time: string;
  scheduled_end_time: string | null;
  privacy_level: number;
  entity_type: number;
  entity_metadata: { location?: string } | null;
  /** 1 scheduled, 2 active, 3 completed, 4 canceled. */
  status: number;
  /** Every status it had, in order. */
  statuses: number[];
  deleted: boolean;
}

export interface FakeDiscordOptions {
  guilds?: FakeGuildOptions[];
  /** The interaction reply deadline in ms (Discord: 3000). */
  deadlineMs?: number;
  heartbeatIntervalMs?: number;
  shards?: number;
  /** Intent bits this application may not use (not enabled in the portal): IDENTIFY with them closes with 4014. */
  disallowedIntents?: number;
}

interface GatewaySession {
  id: string;
  seq: number;
  buffer: { s: number; t: string; d: unknown }[];
  shard: [number, number];
  conn: WebSocket | null;
  ready: boolean;
}

const EPOCH = 1420070400000n;
let increment = 0n;
export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return ((BigInt(Date.now()) - EPOCH) << 22n | (1n << 17n) | increment).toString();
}

/** The id of the bot's own role in a guild with `botPermissions` (derived, so no state is needed). */
function botRoleId(g: FakeGuildOptions): string {
  return (BigInt(g.id) + 1n).toString();
}

/** The shard a guild's events go to (Discord's formula). */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** A fresh snowflake for a guild that lands on `shard` of `count`: its timestamp part rounded to that remainder. */
export function guildIdOnShard(shard: number, count: number): string {
  const id = BigInt(snowflake());
  const ts = id >> 22n;
  return (((ts - (ts % BigInt(count)) + BigInt(shard)) << 22n) | (id & 0x3fffffn)).toString();
}

export const PERMISSIONS = {
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  AddReactions: 1n << 6n,
  UseApplicationCommands: 1n << 31n,
  ManageGuild: 1n << 5n,
  Administrator: 1n << 3n,
  ManageEvents: 1n << 33n,
  CreateEvents: 1n << 44n,
  SendMessagesInThreads: 1n << 38n,
};
/** What the bot normally has in a channel. */
export const BOT_PERMISSIONS = (
  PERMISSIONS.ViewChannel |
  PERMISSIONS.SendMessages |
  PERMISSIONS.EmbedLinks |
  PERMISSIONS.AttachFiles |
  PERMISSIONS.ReadMessageHistory |
  PERMISSIONS.AddReactions |
  PERMISSIONS.UseApplicationCommands
).toString();
export const MEMBER_PERMISSIONS = (PERMISSIONS.ViewChannel | PERMISSIONS.SendMessages | PERMISSIONS.UseApplicationCommands).toString();
export const ADMIN_PERMISSIONS = (BigInt(MEMBER_PERMISSIONS) | PERMISSIONS.ManageGuild).toString();

interface RateRule {
  method: string;
  path: RegExp;
  retryAfter: number;
  times: number;
  until: number;
}

export class FakeDiscord {
  readonly appId = snowflake();
  readonly token = 'fake-bot-token';
  readonly botUser = { id: this.appId, username: 'Emergence', global_name: null, discriminator: '0', avatar: null, bot: true };
  readonly requests: RecordedRequest[] = [];
  readonly interactions = new Map<string, FakeInteraction>();
  readonly messages = new Map<string, FakeMessage>();
  readonly commands = new Map<string, any[]>();
  /** Reactions the bot added (to any message, including users' messages). */
  readonly reactions: { channelId: string; messageId: string; emoji: string }[] = [];
  readonly guilds: FakeGuildOptions[];
  readonly scheduledEvents = new Map<string, FakeScheduledEvent>();
  /** DM channels the bot opened: channel id → user id. */
  readonly dmChannels = new Map<string, string>();
  /** Users who do not take DMs from the bot (Discord answers 50007). */
  readonly dmRefused = new Set<string>();
  /** Discord's "now", for checking a scheduled event's start (tests on a fake clock set it). */
  now: () => number = Date.now;
  deadlineMs: number;
  /** Gateway bookkeeping. */
  identifies: { intents: number; shard?: [number, number] }[] = [];
  resumes = 0;
  heartbeats = 0;
  /** Requests that came back inside a 429 window. */
  rateLimitViolations = 0;
  rateLimited = 0;

  private server!: Server;
  private wss!: WebSocketServer;
  private port = 0;
  /** Gateway sessions by shard id (a new IDENTIFY for a shard replaces its session). */
  private readonly sessions = new Map<number, GatewaySession>();
  private rules: RateRule[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(private readonly o: FakeDiscordOptions) {
    this.deadlineMs = o.deadlineMs ?? 3000;
    this.guilds = o.guilds ?? [{ id: snowflake(), channels: [{ id: snowflake(), name: 'general' }] }];
  }

  static async start(o: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const f = new FakeDiscord(o);
    await f.listen();
    return f;
  }

  get apiBase(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  get guild(): FakeGuildOptions {
    return this.guilds[0]!;
  }

  get channelId(): string {
    return this.guild.channels[0]!.id;
  }

  /** Every shard that identified is connected and ready (and at least one did). */
  get connected(): boolean {
    const all = [...this.sessions.values()];
    return all.length > 0 && all.every((x) => x.ready && x.conn?.readyState === WebSocket.OPEN);
  }

  /** Guilds on a shard, by Discord's formula. */
  guildsOfShard(shard: number, count: number): FakeGuildOptions[] {
    return this.guilds.filter((g) => shardOf(g.id, count) === shard);
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.json(res, 500, { message: String(err), code: 0 });
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.wss.on('connection', (ws) => this.onConnection(ws));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- test API

  /** The next `times` requests matching method+path get a 429 with `Retry-After: retryAfter` (seconds). */
  rateLimit(rule: { method: string; path: RegExp; retryAfter: number; times?: number }): void {
    this.rules.push({ ...rule, method: rule.method.toUpperCase(), times: rule.times ?? 1, until: 0 });
  }

  /**
   * Sends a gateway event to the session of the shard its guild is on (buffered for resume when
   * that connection is down). An event without a guild goes to every session.
   */
  dispatch(t: string, d: unknown): void {
    const guildId = (d as { guild_id?: string } | null)?.guild_id;
    const targets = [...this.sessions.values()].filter((x) => !guildId || shardOf(guildId, x.shard[1]) === x.shard[0]);
    if (!targets.length) throw new Error(guildId ? `no gateway session for the shard of guild ${guildId}` : 'no gateway session yet');
    for (const session of targets) this.sendEvent(session, t, d);
  }

  private sendEvent(session: GatewaySession, t: string, d: unknown): void {
    const s = ++session.seq;
    session.buffer.push({ s, t, d });
    if (session.buffer.length > 1000) session.buffer.shift();
    if (session.ready && session.conn?.readyState === WebSocket.OPEN) session.conn.send(JSON.stringify({ op: 0, s, t, d }));
  }

  /** Loses every gateway connection abruptly (like a network failure): the clients should resume. */
  dropConnection(): void {
    for (const session of this.sessions.values()) {
      session.ready = false;
      session.conn?.terminate();
      session.conn = null;
    }
  }

  /** Dispatches INTERACTION_CREATE; resolves with the interaction record (see `waitForCallback`). */
  sendInteraction(payload: any): FakeInteraction {
    const rec: FakeInteraction = {
      id: payload.id,
      token: payload.token,
      payload,
      dispatchedAt: Date.now(),
      followups: [],
      lateAttempts: 0,
    };
    this.interactions.set(rec.id, rec);
    this.dispatch('INTERACTION_CREATE', payload);
    return rec;
  }

  /** Waits (polling on I/O, generous timeout) until `check` is true. */
  waitFor(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`fake discord: timed out waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ check, resolve: done });
    });
  }

  async waitForCallback(i: FakeInteraction): Promise<NonNullable<FakeInteraction['callback']>> {
    await this.waitFor(() => Boolean(i.callback), 10_000, `callback of interaction ${i.id}`);
    return i.callback!;
  }

  /** Waits for the visible answer: the reply, or the deferred reply's edit (or a follow-up after a delete). */
  async waitForAnswer(i: FakeInteraction): Promise<FakeMessage> {
    await this.waitFor(
      () =>
        Boolean(
          i.callback &&
            ((i.callback.type === 4 && i.original) ||
              (i.original && !i.original.deleted && i.original.history.length > 1) ||
              (i.original?.deleted && i.followups.length > 0)),
        ),
      10_000,
      `answer to interaction ${i.id}`,
    );
    return i.original!.deleted ? i.followups[0]! : i.original!;
  }

  /** Messages the bot posted in a channel (not interaction replies). */
  channelMessages(channelId = this.channelId): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId && !m.interactionId);
  }

  requestsMatching(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  private notify(): void {
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve();
      }
    }
  }

  // ---------------------------------------------------------------- gateway

  private onConnection(ws: WebSocket): void {
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.o.heartbeatIntervalMs ?? 41_250 } }));
    ws.on('message', (raw) => {
      let msg: { op: number; d: any };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      this.onGatewayMessage(ws, msg);
    });
    ws.on('close', () => {
      for (const session of this.sessions.values()) {
        if (session.conn === ws) {
          session.conn = null;
          session.ready = false;
        }
      }
      this.notify();
    });
  }

  private onGatewayMessage(ws: WebSocket, msg: { op: number; d: any }): void {
    switch (msg.op) {
      case 1:
        this.heartbeats++;
        ws.send(JSON.stringify({ op: 11 }));
        return;
      case 2: {
        if (msg.d?.token !== this.token) {
          ws.close(4004, 'Authentication failed');
          return;
        }
        this.identifies.push({ intents: msg.d.intents, shard: msg.d.shard });
        if (this.o.disallowedIntents && (Number(msg.d.intents) & this.o.disallowedIntents)) {
          ws.close(4014, 'Disallowed intent(s).');
          return;
        }
        const shard: [number, number] = msg.d.shard ?? [0, 1];
        // A shard identifying again (a restarted process) replaces its old session.
        this.sessions.get(shard[0])?.conn?.terminate();
        const session: GatewaySession = { id: `session-${snowflake()}`, seq: 0, buffer: [], shard, conn: ws, ready: true };
        this.sessions.set(shard[0], session);
        const guilds = this.guildsOfShard(shard[0], shard[1]);
        this.sendEvent(session, 'READY', {
          v: 10,
          user: this.botUser,
          guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
          session_id: session.id,
          resume_gateway_url: this.gatewayUrl,
          shard,
          application: { id: this.appId, flags: 0 },
          private_channels: [],
          relationships: [],
          user_settings: {},
          presences: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
        });
        for (const g of guilds) this.sendEvent(session, 'GUILD_CREATE', this.guildPayload(g));
        this.notify();
        return;
      }
      case 6: {
        const session = [...this.sessions.values()].find((x) => x.id === msg.d?.session_id);
        if (!session || msg.d?.token !== this.token) {
          ws.send(JSON.stringify({ op: 9, d: false }));
          return;
        }
        this.resumes++;
        session.conn = ws;
        session.ready = true;
        for (const e of session.buffer.filter((x) => x.s > Number(msg.d.seq))) {
          ws.send(JSON.stringify({ op: 0, s: e.s, t: e.t, d: e.d }));
        }
        this.sendEvent(session, 'RESUMED', {});
        this.notify();
        return;
      }
      default:
        return;
    }
  }

  private guildPayload(g: FakeGuildOptions): unknown {
    const now = new Date().toISOString();
    return {
      id: g.id,
      name: g.name ?? 'Test server',
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: '1',
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      features: [],
      mfa_level: 0,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      preferred_locale: g.locale ?? 'en-US',
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      joined_at: now,
      large: false,
      unavailable: false,
      member_count: 2,
      roles: [
        { id: g.id, name: '@everyone', permissions: MEMBER_PERMISSIONS, position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
        ...(g.roles ?? []).map((r, i) => ({
          id: r.id,
          name: r.name,
          permissions: r.permissions ?? MEMBER_PERMISSIONS,
          position: i + 1,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        })),
        ...(g.botPermissions
          ? [{ id: botRoleId(g), name: 'Emergence', permissions: g.botPermissions, position: 99, color: 0, hoist: false, managed: true, mentionable: false, flags: 0 }]
          : []),
      ],
      emojis: [],
      stickers: [],
      channels: g.channels.map((c, i) => ({
        id: c.id,
        type: c.type ?? 0,
        guild_id: g.id,
        name: c.name ?? `channel-${i}`,
        position: i,
        permission_overwrites: [],
        parent_id: null,
        nsfw: false,
        topic: null,
        last_message_id: null,
        rate_limit_per_user: 0,
      })),
      threads: [],
      members: [{ user: this.botUser, roles: g.botPermissions ? [botRoleId(g)] : [], joined_at: now, deaf: false, mute: false, flags: 0 }],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ---------------------------------------------------------------- REST

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const raw = url.pathname.replace(/^\/api(\/v\d+)?/, '');
    const path = raw
      .split('/')
      .map((seg) => decodeURIComponent(seg))
      .join('/');
    const method = (req.method ?? 'GET').toUpperCase();
    const { body, files } = await this.readBody(req);
    const rec: RecordedRequest = { method, path, query: url.searchParams, body, files, status: 0, at: Date.now() };
    this.requests.push(rec);
    try {
      if (this.limited(method, path, res)) {
        rec.status = 429;
        return;
      }
      if (path !== '/gateway/bot' && !path.startsWith('/interactions/') && !path.startsWith('/webhooks/')) {
        if (req.headers.authorization !== `Bot ${this.token}`) return this.send(rec, res, 401, { message: '401: Unauthorized', code: 0 });
      }
      await this.route(rec, res, method, path);
    } finally {
      this.notify();
    }
  }

  private limited(method: string, path: string, res: ServerResponse): boolean {
    const now = Date.now();
    for (const r of this.rules) {
      if (r.method !== method || !r.path.test(path)) continue;
      const inWindow = now < r.until;
      if (inWindow) this.rateLimitViolations++;
      if (!inWindow && r.times <= 0) continue;
      if (!inWindow) {
        r.times--;
        r.until = now + r.retryAfter * 1000;
      }
      this.rateLimited++;
      const left = Math.max(0.001, (r.until - now) / 1000);
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(Math.ceil(left)),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': left.toFixed(3),
        'x-ratelimit-bucket': 'fake-bucket',
        'x-ratelimit-scope': 'user',
      });
      res.end(JSON.stringify({ message: 'You are being rate limited.', retry_after: left, global: false }));
      return true;
    }
    return false;
  }

  private async readBody(req: IncomingMessage): Promise<{ body: any; files: RecordedFile[] }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const buf = Buffer.concat(chunks);
    if (!buf.length) return { body: null, files: [] };
    const type = String(req.headers['content-type'] ?? '');
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(buf, { headers: { 'content-type': type } }).formData();
      let body: any = null;
      const files: RecordedFile[] = [];
      for (const [field, value] of form.entries()) {
        if (field === 'payload_json') body = JSON.parse(String(value));
        else if (typeof value !== 'string') {
          files.push({ field, name: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
        }
      }
      return { body, files };
    }
    try {
      return { body: JSON.parse(buf.toString('utf8')), files: [] };
    } catch {
      return { body: buf.toString('utf8'), files: [] };
    }
  }

  private send(rec: RecordedRequest, res: ServerResponse, status: number, body?: unknown): void {
    rec.status = status;
    if (status === 204 || body === undefined) {
      res.writeHead(status === 200 && body === undefined ? 204 : status);
      res.end();
      return;
    }
    this.json(res, status, body);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async route(rec: RecordedRequest, res: ServerResponse, method: string, path: string): Promise<void> {
    const seg = path.split('/').filter(Boolean);
    const notFound = (code = 0, message = '404: Not Found') => this.send(rec, res, 404, { message, code });

    if (method === 'GET' && path === '/gateway/bot') {
      return this.send(rec, res, 200, {
        url: this.gatewayUrl,
        shards: this.o.shards ?? 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (method === 'GET' && path === '/users/@me') return this.send(rec, res, 200, this.botUser);

    // /interactions/:id/:token/callback
    if (seg[0] === 'interactions' && seg[3] === 'callback' && method === 'POST') {
      const i = this.interactions.get(seg[1]!);
      if (!i || i.token !== seg[2]) return notFound(10062, 'Unknown interaction');
      if (i.callback) return this.send(rec, res, 400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      if (Date.now() - i.dispatchedAt > this.deadlineMs) {
        i.lateAttempts++;
        return notFound(10062, 'Unknown interaction');
      }
      const type = Number(rec.body?.type);
      const data = rec.body?.data ?? {};
      i.callback = { type, data, files: rec.files };
      if (type === 4 || type === 5) i.original = this.createMessage(rec.body?.data ?? {}, rec.files, i.payload.channel_id, i.id);
      // An update (7) or a deferred one (6) answers on the pressed message: @original is that message.
      if ((type === 6 || type === 7) && i.payload.message) i.original = this.messages.get(i.payload.message.id);
      if (type === 7 && i.payload.message) this.editMessage(i.payload.message.id, data, rec.files);
      return this.send(rec, res, 204);
    }

    // /webhooks/:app/:token[/messages/:mid]
    if (seg[0] === 'webhooks') {
      const i = [...this.interactions.values()].find((x) => x.token === seg[2]);
      if (!i || seg[1] !== this.appId || !i.callback) return notFound(10015, 'Unknown Webhook');
      if (seg[3] === 'messages') {
        const target = seg[4] === '@original' ? i.original : [...i.followups].find((m) => m.id === seg[4]);
        if (!target || target.deleted) return notFound(10008, 'Unknown Message');
        if (method === 'GET') return this.send(rec, res, 200, this.messageJSON(target));
        if (method === 'PATCH') return this.send(rec, res, 200, this.messageJSON(this.editMessage(target.id, rec.body ?? {}, rec.files)));
        if (method === 'DELETE') {
          target.deleted = true;
          return this.send(rec, res, 204);
        }
      }
      if (method === 'POST' && seg.length === 3) {
        const m = this.createMessage(rec.body ?? {}, rec.files, i.payload.channel_id, i.id);
        i.followups.push(m);
        return this.send(rec, res, 200, this.messageJSON(m));
      }
      return notFound();
    }

    // /channels/:id …
    if (seg[0] === 'channels') {
      const channel = this.findChannel(seg[1]!);
      if (!channel) return notFound(10003, 'Unknown Channel');
      if (seg.length === 2 && method === 'GET') return this.send(rec, res, 200, channel);
      if (seg[2] === 'messages' && seg.length === 3 && method === 'POST') {
        const dmUser = this.dmChannels.get(seg[1]!);
        if (dmUser && this.dmRefused.has(dmUser)) return this.send(rec, res, 403, { message: 'Cannot send messages to this user', code: 50007 });
        return this.send(rec, res, 200, this.messageJSON(this.createMessage(rec.body ?? {}, rec.files, seg[1]!)));
      }
      if (seg[2] === 'messages' && seg.length === 4) {
        const m = this.messages.get(seg[3]!);
        if (!m || m.deleted || m.channel_id !== seg[1]) return notFound(10008, 'Unknown Message');
        if (method === 'GET') return this.send(rec, res, 200, this.messageJSON(m));
        if (method === 'PATCH') return this.send(rec, res, 200, this.messageJSON(this.editMessage(m.id, rec.body ?? {}, rec.files)));
        if (method === 'DELETE') {
          m.deleted = true;
          return this.send(rec, res, 204);
        }
      }
      if (seg[2] === 'messages' && seg[4] === 'reactions' && seg[6] === '@me' && method === 'PUT') {
        this.reactions.push({ channelId: seg[1]!, messageId: seg[3]!, emoji: seg[5]! });
        this.messages.get(seg[3]!)?.reactions.push(seg[5]!);
        return this.send(rec, res, 204);
      }
      return notFound();
    }

    // /users/@me/channels: a DM channel with a user
    if (method === 'POST' && path === '/users/@me/channels') {
      const userId = String(rec.body?.recipient_id ?? '');
      if (!/^\d+$/.test(userId)) return this.send(rec, res, 400, { message: 'Invalid Form Body', code: 50035 });
      let id = [...this.dmChannels].find(([, u]) => u === userId)?.[0];
      if (!id) {
        id = snowflake();
        this.dmChannels.set(id, userId);
      }
      return this.send(rec, res, 200, this.findChannel(id));
    }

    // /guilds/:gid/scheduled-events[/:id]
    if (seg[0] === 'guilds' && seg[2] === 'scheduled-events') return this.scheduledEventRoute(rec, res, method, seg);

    // /applications/:app/commands, /applications/:app/guilds/:gid/commands
    if (seg[0] === 'applications' && seg[1] === this.appId) {
      const key = seg[2] === 'guilds' ? `guild:${seg[3]}` : 'global';
      const last = seg[seg.length - 1];
      if (last !== 'commands') return notFound();
      if (method === 'GET') return this.send(rec, res, 200, this.commands.get(key) ?? []);
      if (method === 'PUT') {
        const list = (rec.body as any[]).map((c) => ({
          id: snowflake(),
          application_id: this.appId,
          version: snowflake(),
          ...(key === 'global' ? {} : { guild_id: seg[3] }),
          ...c,
        }));
        this.commands.set(key, list);
        return this.send(rec, res, 200, list);
      }
    }
    return notFound();
  }

  /** Messages the bot sent to a user by DM. */
  directMessages(userId: string): FakeMessage[] {
    const channels = [...this.dmChannels].filter(([, u]) => u === userId).map(([c]) => c);
    return [...this.messages.values()].filter((m) => channels.includes(m.channel_id));
  }

  /** The bot's permissions in a guild: @everyone's and its own role's. */
  private botGuildPermissions(g: FakeGuildOptions): bigint {
    return BigInt(MEMBER_PERMISSIONS) | BigInt(g.botPermissions ?? '0');
  }

  private scheduledEventRoute(rec: RecordedRequest, res: ServerResponse, method: string, seg: string[]): void {
    const g = this.guilds.find((x) => x.id === seg[1]);
    if (!g) return this.send(rec, res, 404, { message: 'Unknown Guild', code: 10004 });
    const have = this.botGuildPermissions(g);
    const may = (bits: bigint) => (have & (bits | PERMISSIONS.Administrator)) !== 0n;
    const invalid = (message: string) => this.send(rec, res, 400, { message: `Invalid Form Body: ${message}`, code: 50035 });
    const forbidden = () => this.send(rec, res, 403, { message: 'Missing Permissions', code: 50013 });
    const ofGuild = [...this.scheduledEvents.values()].filter((e) => e.guild_id === g.id && !e.deleted);
    if (seg.length === 3) {
      if (method === 'GET') return this.send(rec, res, 200, ofGuild.map((e) => this.scheduledEventJSON(e)));
      if (method !== 'POST') return this.send(rec, res, 405, { message: '405: Method Not Allowed', code: 0 });
      if (!may(PERMISSIONS.CreateEvents | PERMISSIONS.ManageEvents)) return forbidden();
      const b = rec.body ?? {};
      const name = String(b.name ?? '');
      if (name.length < 1 || name.length > 100) return invalid('name');
      if (b.privacy_level !== 2) return invalid('privacy_level');
      if (b.entity_type !== 3) return invalid('entity_type (this fake knows external events only)');
      const location = b.entity_metadata?.location;
      if (typeof location !== 'string' || location.length < 1 || location.length > 100) return invalid('entity_metadata.location');
      if (b.channel_id) return invalid('channel_id must be null for an external event');
      const start = Date.parse(String(b.scheduled_start_time));
      const end = Date.parse(String(b.scheduled_end_time));
      if (!Number.isFinite(start) || start < this.now()) return invalid('scheduled_start_time is in the past');
      if (!Number.isFinite(end) || end <= start) return invalid('scheduled_end_time');
      if (b.description !== undefined && b.description !== null && String(b.description).length > 1000) return invalid('description');
      const e: FakeScheduledEvent = {
        id: snowflake(),
        guild_id: g.id,
        name,
        description: b.description ?? null,
        scheduled_start_time: new Date(start).toISOString(),
        scheduled_end_time: new Date(end).toISOString(),
        privacy_level: 2,
        entity_type: 3,
        entity_metadata: { location },
        status: 1,
        statuses: [1],
        deleted: false,
      };
      this.scheduledEvents.set(e.id, e);
      return this.send(rec, res, 200, this.scheduledEventJSON(e));
    }
    const e = ofGuild.find((x) => x.id === seg[3]);
    if (!e) return this.send(rec, res, 404, { message: 'Unknown Guild Scheduled Event', code: 10070 });
    if (method === 'GET') return this.send(rec, res, 200, this.scheduledEventJSON(e));
    // The bot created it: Create Events is enough to change it, as for a member's own events.
    if (!may(PERMISSIONS.CreateEvents | PERMISSIONS.ManageEvents)) return forbidden();
    if (method === 'DELETE') {
      e.deleted = true;
      return this.send(rec, res, 204);
    }
    if (method !== 'PATCH') return this.send(rec, res, 405, { message: '405: Method Not Allowed', code: 0 });
    const status = rec.body?.status;
    if (status !== undefined) {
      const allowed: Record<number, number[]> = { 1: [2, 4], 2: [3] };
      if (!(allowed[e.status] ?? []).includes(Number(status))) {
        return this.send(rec, res, 400, { message: `Cannot change the status from ${e.status} to ${status}`, code: 180000 });
      }
      e.status = Number(status);
      e.statuses.push(e.status);
    }
    return this.send(rec, res, 200, this.scheduledEventJSON(e));
  }

  private scheduledEventJSON(e: FakeScheduledEvent): unknown {
    return {
      id: e.id,
      guild_id: e.guild_id,
      channel_id: null,
      creator_id: this.appId,
      creator: this.botUser,
      name: e.name,
      description: e.description,
      scheduled_start_time: e.scheduled_start_time,
      scheduled_end_time: e.scheduled_end_time,
      privacy_level: e.privacy_level,
      status: e.status,
      entity_type: e.entity_type,
      entity_id: null,
      entity_metadata: e.entity_metadata,
      user_count: 0,
      image: null,
      recurrence_rule: null,
    };
  }

  private findChannel(id: string): unknown {
    const dmUser = this.dmChannels.get(id);
    if (dmUser) {
      return {
        id,
        type: 1,
        last_message_id: null,
        flags: 0,
        recipients: [{ id: dmUser, username: `user${dmUser.slice(-4)}`, global_name: null, discriminator: '0', avatar: null }],
      };
    }
    for (const g of this.guilds) {
      const c = g.channels.find((x) => x.id === id);
      if (c) return { id: c.id, type: c.type ?? 0, guild_id: g.id, name: c.name ?? 'channel', position: 0, permission_overwrites: [], nsfw: false, parent_id: null };
    }
    return null;
  }

  private attachmentsFrom(files: RecordedFile[], list: any[] | undefined, keep: FakeAttachment[]): FakeAttachment[] {
    const uploads = files.map((f, n) => ({ id: snowflake(), filename: f.name, data: f.data, field: f.field, n }));
    if (!Array.isArray(list)) return [...keep, ...uploads.map(({ id, filename, data }) => ({ id, filename, data }))];
    const out: FakeAttachment[] = [];
    for (const a of list) {
      const existing = keep.find((k) => k.id === String(a.id));
      if (existing) out.push(existing);
      else {
        const up = uploads.find((u) => u.field === `files[${a.id}]`) ?? uploads[Number(a.id)];
        if (up) out.push({ id: up.id, filename: a.filename ?? up.filename, data: up.data });
      }
    }
    return out;
  }

  private createMessage(body: any, files: RecordedFile[], channelId: string, interactionId?: string): FakeMessage {
    const attachments = this.attachmentsFrom(files, body.attachments, []);
    const m: FakeMessage = {
      id: snowflake(),
      channel_id: channelId,
      content: body.content ?? '',
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      attachments,
      flags: Number(body.flags ?? 0),
      allowed_mentions: body.allowed_mentions,
      history: [],
      deleted: false,
      reactions: [],
      interactionId,
    };
    m.history.push({ content: m.content, embeds: m.embeds, components: m.components, attachments, allowed_mentions: body.allowed_mentions });
    this.messages.set(m.id, m);
    return m;
  }

  private editMessage(id: string, body: any, files: RecordedFile[]): FakeMessage {
    const m = this.messages.get(id)!;
    if ('content' in body) m.content = body.content ?? '';
    if ('embeds' in body) m.embeds = body.embeds ?? [];
    if ('components' in body) m.components = body.components ?? [];
    if ('attachments' in body || files.length) m.attachments = this.attachmentsFrom(files, body.attachments, m.attachments);
    if ('allowed_mentions' in body) m.allowed_mentions = body.allowed_mentions;
    m.history.push({
      content: m.content,
      embeds: m.embeds,
      components: m.components,
      attachments: m.attachments,
      allowed_mentions: body.allowed_mentions,
    });
    return m;
  }

  private messageJSON(m: FakeMessage): unknown {
    return {
      id: m.id,
      type: m.interactionId ? 20 : 0,
      channel_id: m.channel_id,
      author: this.botUser,
      content: m.content,
      embeds: m.embeds,
      components: m.components,
      attachments: m.attachments.map((a) => ({
        id: a.id,
        filename: a.filename,
        size: a.data.length,
        url: `http://127.0.0.1:${this.port}/attachments/${a.id}/${a.filename}`,
        proxy_url: `http://127.0.0.1:${this.port}/attachments/${a.id}/${a.filename}`,
        content_type: 'image/png',
      })),
      timestamp: new Date().toISOString(),
      edited_timestamp: m.history.length > 1 ? new Date().toISOString() : null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      flags: m.flags,
      ...(m.interactionId ? { application_id: this.appId, webhook_id: this.appId } : {}),
    };
  }

  // ---------------------------------------------------------------- payload builders

  /** A guild member as it appears in interaction payloads. */
  member(o: { id?: string; name?: string; permissions?: string; roles?: string[]; nick?: string | null } = {}) {
    const id = o.id ?? snowflake();
    return {
      user: { id, username: (o.name ?? `user${id.slice(-4)}`).toLowerCase().replace(/[^a-z0-9_.]/g, '') || 'user', global_name: o.name ?? null, discriminator: '0', avatar: null },
      roles: o.roles ?? [],
      permissions: o.permissions ?? MEMBER_PERMISSIONS,
      nick: o.nick ?? null,
      joined_at: new Date().toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
    };
  }

  private base(type: number, o: InteractionOptions) {
    const channelId = o.channelId ?? this.channelId;
    const guild = this.guilds.find((g) => g.channels.some((c) => c.id === channelId)) ?? this.guild;
    return {
      id: snowflake(),
      application_id: this.appId,
      type,
      token: `itok-${snowflake()}`,
      version: 1,
      guild_id: guild.id,
      channel_id: channelId,
      channel: { id: channelId, type: 0, guild_id: guild.id, name: 'general', permissions: o.appPermissions ?? BOT_PERMISSIONS },
      guild: { id: guild.id, locale: guild.locale ?? 'en-US', features: [] },
      member: o.member ?? this.member(),
      locale: o.locale ?? 'en-US',
      guild_locale: guild.locale ?? 'en-US',
      app_permissions: o.appPermissions ?? BOT_PERMISSIONS,
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
    };
  }

  /** A slash command. Option values: strings and numbers (integers get type 4). */
  command(name: string, options: Record<string, string | number> = {}, o: InteractionOptions = {}) {
    return {
      ...this.base(2, o),
      data: {
        id: snowflake(),
        name,
        type: 1,
        options: Object.entries(options).map(([k, v]) => ({ name: k, type: typeof v === 'number' ? 4 : 3, value: v })),
      },
    };
  }

  /**
   * A subcommand (`/deck add …`) whose options may include attached files: each file becomes an
   * ATTACHMENT option (type 11) whose value is the attachment's id, described in `data.resolved.attachments`.
   */
  subcommand(
    name: string,
    sub: string,
    options: Record<string, string | number> = {},
    files: Record<string, { url: string; filename: string; size: number; content_type?: string; width?: number; height?: number }> = {},
    o: InteractionOptions = {},
  ) {
    const attachments: Record<string, unknown> = {};
    const fileOptions = Object.entries(files).map(([k, f]) => {
      const id = snowflake();
      attachments[id] = { id, proxy_url: f.url, ephemeral: true, ...f };
      return { name: k, type: 11, value: id };
    });
    return {
      ...this.base(2, o),
      data: {
        id: snowflake(),
        name,
        type: 1,
        options: [
          {
            name: sub,
            type: 1,
            options: [
              ...Object.entries(options).map(([k, v]) => ({ name: k, type: typeof v === 'number' ? 4 : 3, value: v })),
              ...fileOptions,
            ],
          },
        ],
        resolved: { attachments },
      },
    };
  }

  autocomplete(name: string, focused: string, value: string, o: InteractionOptions = {}) {
    return {
      ...this.base(4, o),
      data: { id: snowflake(), name, type: 1, options: [{ name: focused, type: 3, value, focused: true }] },
    };
  }

  /** A button press on a message the bot posted. */
  button(customId: string, message: FakeMessage, o: InteractionOptions = {}) {
    return {
      ...this.base(3, o),
      message: this.messageJSON(message),
      data: { custom_id: customId, component_type: 2 },
    };
  }

  modalSubmit(customId: string, fields: Record<string, string>, o: InteractionOptions = {}) {
    return {
      ...this.base(5, o),
      data: {
        custom_id: customId,
        components: Object.entries(fields).map(([k, v]) => ({ type: 1, components: [{ type: 4, custom_id: k, value: v }] })),
      },
    };
  }

  /** MESSAGE_CREATE for a plain message from a member. */
  userMessage(content: string, member = this.member(), channelId = this.channelId) {
    const guild = this.guilds.find((g) => g.channels.some((c) => c.id === channelId)) ?? this.guild;
    const { user, ...rest } = member;
    return {
      id: snowflake(),
      type: 0,
      channel_id: channelId,
      guild_id: guild.id,
      author: user,
      member: rest,
      content,
      embeds: [],
      components: [],
      attachments: [],
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      flags: 0,
    };
  }
}

export interface InteractionOptions {
  member?: ReturnType<FakeDiscord['member']>;
  locale?: string;
  channelId?: string;
  appPermissions?: string;
}
