/**
 * A small fake Slack on 127.0.0.1 (node:http + ws), enough for the real Bolt App:
 *   - the Web API methods the adapter uses (recorded with their parsed params), checking
 *     the bot token, the content type and the shape of Block Kit messages;
 *   - the three-step upload: files.getUploadURLExternal → POST of the bytes → files.completeUploadExternal;
 *   - apps.connections.open (with the app token) → a Socket Mode WebSocket that says `hello`,
 *     sends envelopes and records their acks;
 *   - response_url endpoints (what Bolt's `respond()` posts to);
 *   - chat.scheduleMessage / chat.deleteScheduledMessage, checked against `now()`; `deliverDue()` posts the
 *     scheduled messages whose time has come; chat.postMessage to a user id is a DM (unknown user: channel_not_found);
 *   - payload builders and signed HTTP requests for HTTP mode (v0 HMAC of `v0:timestamp:body`).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeUser {
  id: string;
  name: string;
  real_name?: string;
  display_name?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  locale?: string;
}

export interface ApiCall {
  seq: number;
  method: string;
  params: Record<string, unknown>;
  contentType: string;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: Block[];
  /** Every version of the message: the post, then each chat.update. */
  versions: { text?: string; blocks?: Block[] }[];
  /** Files shared with this message (uploads with this channel/thread). */
  files: string[];
  kind: 'message' | 'file_share';
}

export interface StoredFile {
  id: string;
  filename: string;
  length: number;
  alt_text?: string;
  bytes?: Buffer;
  uploadContentType?: string;
  completed: boolean;
  title?: string;
  channel_id?: string;
  thread_ts?: string;
  initial_comment?: string;
}

export interface Ephemeral {
  channel: string;
  user: string;
  text?: string;
  blocks?: Block[];
  thread_ts?: string;
}

export type Block = { type: string; [k: string]: unknown };

export interface ScheduledMessage {
  id: string;
  channel: string;
  post_at: number;
  text?: string;
  blocks?: Block[];
  deleted: boolean;
  posted: boolean;
}

export interface Envelope {
  envelope_id: string;
  type: string;
  payload: unknown;
  /** Sequence number (shared with API calls) when the envelope was sent, and when its ack came back. */
  sentSeq: number;
  /** Which Socket Mode connection it went to (numbered from 1 in the order they connected). */
  connection?: number;
  ack?: { seq: number; payload: unknown };
}

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  teamId?: string;
  botUserId?: string;
  users?: FakeUser[];
}

export const BOT_TOKEN = 'xoxb-test-1111-2222-abcdefabcdef';
export const APP_TOKEN = 'xapp-1-A111-2222-abcdefabcdef';
export const SIGNING_SECRET = 'test-signing-secret-0123456789';

const FORM = 'application/x-www-form-urlencoded';

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly messages: StoredMessage[] = [];
  readonly ephemerals: Ephemeral[] = [];
  readonly files = new Map<string, StoredFile>();
  readonly views: { trigger_id: string; view: Record<string, unknown> }[] = [];
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  readonly envelopes: Envelope[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly scheduled: ScheduledMessage[] = [];
  /** Slack's "now" (ms), for chat.scheduleMessage's post_at (tests on a fake clock set it). */
  now: () => number = Date.now;
  /** Channels the bot is not a member of: posting there fails with `not_in_channel`. */
  readonly notInChannel = new Set<string>();
  private readonly failures = new Map<string, string>();

  /** The next call to `method` fails with `error` (e.g. `internal_error`). */
  failNext(method: string, error: string): void {
    this.failures.set(method, error);
  }

  /** When set, conversations.info fails with this error (e.g. `missing_scope` for an older install). */
  conversationsInfoError: string | undefined;
  /** Make the next N messages carrying image blocks fail with `invalid_blocks` (a file still processing). */
  rejectImageBlocks = 0;
  /**
   * Files users shared with the app (a modal's file_input): `files.info` describes them, and their
   * private URL (`/files-pri/<team>-<id>/<name>`) serves the bytes to the bot token only.
   */
  readonly userFiles = new Map<string, { id: string; name: string; mimetype: string; bytes: Buffer; width?: number; height?: number; declaredSize?: number }>();
  /** Every download of a user file: its id and the Authorization header it came with. */
  readonly downloads: { id: string; authorization: string }[] = [];

  /** A file a user picked in a file_input; returns its id. `declaredSize` makes files.info lie about the size. */
  shareUserFile(name: string, mimetype: string, bytes: Uint8Array, o: { width?: number; height?: number; declaredSize?: number } = {}): string {
    const id = `FU${String(++this.ids).padStart(6, '0')}`;
    this.userFiles.set(id, { id, name, mimetype, bytes: Buffer.from(bytes), ...o });
    return id;
  }

  /** Every request the fake could not make sense of (a test asserts this stays empty). */
  readonly problems: string[] = [];

  readonly botToken: string;
  readonly appToken: string;
  readonly teamId: string;
  readonly botUserId: string;

  private seq = 0;
  private tsCounter = 0;
  private ids = 0;
  private readonly triggers = new Set<string>();
  private readonly sockets = new Set<WebSocket>();
  /** Connection numbers, and the round-robin cursor that spreads envelopes over the open connections as Slack does. */
  private readonly socketIds = new Map<WebSocket, number>();
  private socketCount = 0;
  private spread = 0;
  private readonly acks = new Map<string, (payload: unknown) => void>();
  private readonly helloWaiters: (() => void)[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private server!: Server;
  port = 0;

  private constructor(o: FakeSlackOptions) {
    this.botToken = o.botToken ?? BOT_TOKEN;
    this.appToken = o.appToken ?? APP_TOKEN;
    this.teamId = o.teamId ?? 'T0TEAM';
    this.botUserId = o.botUserId ?? 'UBOT';
    for (const u of o.users ?? []) this.users.set(u.id, u);
  }

  /** Start the fake before the App: Bolt calls auth.test while it initialises. */
  static async start(o: FakeSlackOptions = {}): Promise<FakeSlack> {
    const f = new FakeSlack(o);
    await f.listen();
    return f;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What SLACK_API_URL is set to (ends with `/`). */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  private listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.problems.push(`handler error: ${String(err)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket')) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  // ---- HTTP -------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', this.base);
    if (url.pathname.startsWith('/api/')) return this.api(url.pathname.slice(5), req, body, res);
    if (url.pathname.startsWith('/upload/')) return this.uploadBytes(url.pathname.slice(8), req, body, res);
    if (url.pathname.startsWith('/files-pri/')) return this.downloadUserFile(url.pathname, req, res);
    if (url.pathname.startsWith('/respond/')) {
      const parsed = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      this.responses.push({ id: url.pathname.slice(9), body: parsed });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    this.problems.push(`unknown path ${url.pathname}`);
    res.writeHead(404);
    res.end();
  }

  private async api(method: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const contentType = String(req.headers['content-type'] ?? '');
    let params: Record<string, unknown> = {};
    if (contentType === FORM) {
      params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    } else if (/^application\/json(;|$)/.test(contentType)) {
      params = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    } else if (body.length) {
      this.problems.push(`${method}: unexpected content type "${contentType}"`);
      return json(res, { ok: false, error: 'invalid_form_data' });
    }
    // Complex values arrive JSON-encoded inside the form, as the Web API client sends them.
    for (const k of ['blocks', 'view', 'files']) {
      if (typeof params[k] === 'string') {
        try {
          params[k] = JSON.parse(params[k] as string);
        } catch {
          this.problems.push(`${method}: ${k} is not JSON`);
          return json(res, { ok: false, error: 'invalid_arguments' });
        }
      }
    }
    this.calls.push({ seq: ++this.seq, method, params, contentType });
    const auth = String(req.headers.authorization ?? '');
    const expected = method === 'apps.connections.open' ? this.appToken : this.botToken;
    if (auth !== `Bearer ${expected}`) return json(res, { ok: false, error: 'invalid_auth' });
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      return json(res, { ok: false, error: failure });
    }
    const out = this.method(method, params);
    json(res, out);
  }

  private method(method: string, p: Record<string, unknown>): Record<string, unknown> {
    const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : p[k] === undefined ? undefined : String(p[k]));
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.test/', team: 'Fake', user: 'emergence', team_id: this.teamId, user_id: this.botUserId, bot_id: 'BBOT' };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${this.port}/socket?ticket=${++this.ids}` };
      case 'users.info': {
        const u = this.users.get(str('user') ?? '');
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: u.id,
            team_id: this.teamId,
            name: u.name,
            real_name: u.real_name ?? u.name,
            is_admin: Boolean(u.is_admin),
            is_owner: Boolean(u.is_owner),
            is_primary_owner: false,
            is_bot: false,
            ...(str('include_locale') === 'true' ? { locale: u.locale ?? 'en-US' } : {}),
            profile: { display_name: u.display_name ?? '', real_name: u.real_name ?? u.name },
          },
        };
      }
      case 'chat.postMessage': {
        const channel = str('channel');
        if (!channel) return { ok: false, error: 'channel_not_found' };
        // A user id: the app's DM with that user.
        if (/^[UW]/.test(channel) && !this.users.has(channel)) return { ok: false, error: 'channel_not_found' };
        if (this.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        const bad = this.checkMessage(p);
        if (bad) return { ok: false, error: bad };
        const thread = str('thread_ts');
        if (thread && !this.messages.some((m) => m.channel === channel && m.ts === thread)) return { ok: false, error: 'thread_not_found' };
        const m: StoredMessage = {
          channel,
          ts: this.nextTs(),
          ...(thread ? { thread_ts: thread } : {}),
          text: str('text'),
          blocks: p.blocks as Block[] | undefined,
          versions: [],
          files: [],
          kind: 'message',
        };
        m.versions.push({ text: m.text, blocks: m.blocks });
        this.messages.push(m);
        return { ok: true, channel, ts: m.ts, message: { text: m.text, ts: m.ts, bot_id: 'BBOT', user: this.botUserId } };
      }
      case 'chat.update': {
        const channel = str('channel') ?? '';
        if (this.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        const m = this.messages.find((x) => x.channel === channel && x.ts === str('ts'));
        if (!m) return { ok: false, error: 'message_not_found' };
        const bad = this.checkMessage(p);
        if (bad) return { ok: false, error: bad };
        m.text = str('text');
        m.blocks = p.blocks as Block[] | undefined;
        m.versions.push({ text: m.text, blocks: m.blocks });
        return { ok: true, channel, ts: m.ts, text: m.text };
      }
      case 'chat.scheduleMessage': {
        const channel = str('channel');
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (this.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        const postAt = Number(str('post_at'));
        if (!Number.isInteger(postAt)) return { ok: false, error: 'invalid_time' };
        const nowS = Math.floor(this.now() / 1000);
        if (postAt <= nowS) return { ok: false, error: 'time_in_past' };
        if (postAt > nowS + 120 * 86_400) return { ok: false, error: 'time_too_far' };
        const bad = this.checkMessage(p);
        if (bad) return { ok: false, error: bad };
        const sm: ScheduledMessage = { id: `Q${String(++this.ids).padStart(8, '0')}`, channel, post_at: postAt, text: str('text'), blocks: p.blocks as Block[] | undefined, deleted: false, posted: false };
        this.scheduled.push(sm);
        return { ok: true, channel, scheduled_message_id: sm.id, post_at: postAt, message: { text: sm.text, bot_id: 'BBOT', user: this.botUserId } };
      }
      case 'chat.deleteScheduledMessage': {
        const sm = this.scheduled.find((x) => x.id === str('scheduled_message_id') && x.channel === str('channel'));
        if (!sm || sm.deleted || sm.posted) return { ok: false, error: 'invalid_scheduled_message_id' };
        sm.deleted = true;
        return { ok: true };
      }
      case 'chat.postEphemeral': {
        const channel = str('channel');
        const user = str('user');
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (!user) return { ok: false, error: 'user_not_found' };
        if (this.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        const bad = this.checkMessage(p);
        if (bad) return { ok: false, error: bad };
        this.ephemerals.push({ channel, user, text: str('text'), blocks: p.blocks as Block[] | undefined, thread_ts: str('thread_ts') });
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'conversations.info': {
        if (this.conversationsInfoError) return { ok: false, error: this.conversationsInfoError };
        const channel = str('channel');
        if (!channel) return { ok: false, error: 'channel_not_found' };
        return { ok: true, channel: { id: channel, name: 'general', is_channel: true, is_archived: false, is_member: !this.notInChannel.has(channel) } };
      }
      case 'views.open': {
        const trigger = str('trigger_id') ?? '';
        if (!this.triggers.has(trigger)) return { ok: false, error: 'invalid_trigger_id' };
        this.triggers.delete(trigger);
        const view = p.view as Record<string, unknown> | undefined;
        if (!view || view.type !== 'modal') return { ok: false, error: 'invalid_arguments' };
        this.views.push({ trigger_id: trigger, view });
        return { ok: true, view: { id: `V${++this.ids}`, ...view } };
      }
      case 'files.info': {
        const f = this.userFiles.get(str('file') ?? '');
        if (!f) return { ok: false, error: 'file_not_found' };
        const url = `${this.base}/files-pri/${this.teamId}-${f.id}/${encodeURIComponent(f.name)}`;
        return {
          ok: true,
          file: {
            id: f.id,
            name: f.name,
            title: f.name,
            mimetype: f.mimetype,
            filetype: f.name.split('.').pop(),
            size: f.declaredSize ?? f.bytes.length,
            url_private: url,
            url_private_download: `${url}?download=1`,
            ...(f.width ? { original_w: f.width, original_h: f.height } : {}),
          },
        };
      }
      case 'files.getUploadURLExternal': {
        const filename = str('filename');
        const length = Number(str('length'));
        if (!filename || !Number.isInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
        const id = `F${String(++this.ids).padStart(6, '0')}`;
        this.files.set(id, { id, filename, length, alt_text: str('alt_text'), completed: false });
        return { ok: true, upload_url: `${this.base}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const list = p.files as { id: string; title?: string }[] | undefined;
        if (!Array.isArray(list) || list.length === 0) return { ok: false, error: 'invalid_arguments' };
        const channel = str('channel_id');
        const thread = str('thread_ts');
        if (thread && !channel) return { ok: false, error: 'invalid_arguments' };
        if (channel && this.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        if (thread && !this.messages.some((m) => m.channel === channel && m.ts === thread)) return { ok: false, error: 'thread_not_found' };
        const done: Record<string, unknown>[] = [];
        for (const f of list) {
          const file = this.files.get(f.id);
          if (!file || !file.bytes) return { ok: false, error: 'file_not_found' };
          Object.assign(file, { completed: true, title: f.title, channel_id: channel, thread_ts: thread, initial_comment: str('initial_comment') });
          done.push({ id: file.id, name: file.filename, title: f.title ?? file.filename, mimetype: 'image/png', size: file.length });
        }
        if (channel) {
          const m: StoredMessage = {
            channel,
            ts: this.nextTs(),
            ...(thread ? { thread_ts: thread } : {}),
            text: str('initial_comment'),
            versions: [],
            files: list.map((f) => f.id),
            kind: 'file_share',
          };
          m.versions.push({ text: m.text });
          this.messages.push(m);
        }
        return { ok: true, files: done };
      }
      default:
        this.problems.push(`unknown method ${method}`);
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** Enough of Block Kit's rules to catch real mistakes. Returns an error code or null. */
  private checkMessage(p: Record<string, unknown>): string | null {
    const blocks = p.blocks as Block[] | undefined;
    if (blocks === undefined) return p.text ? null : 'no_text';
    if (!Array.isArray(blocks) || blocks.length > 50) return 'invalid_blocks';
    let images = false;
    for (const b of blocks) {
      const text = b.text as { type?: string; text?: string } | undefined;
      switch (b.type) {
        case 'header':
          if (text?.type !== 'plain_text' || !text.text || text.text.length > 150) return 'invalid_blocks';
          break;
        case 'section':
          if (!text?.text || text.text.length > 3000 || !['mrkdwn', 'plain_text'].includes(text.type ?? '')) return 'invalid_blocks';
          break;
        case 'context':
          if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) return 'invalid_blocks';
          break;
        case 'image': {
          images = true;
          const f = b.slack_file as { id?: string } | undefined;
          if (!b.alt_text || !f?.id || !this.files.get(f.id)?.completed) return 'invalid_blocks';
          break;
        }
        case 'actions': {
          const els = b.elements as { type: string; action_id?: string; text?: { text?: string } }[];
          if (!Array.isArray(els) || els.length === 0 || els.length > 25) return 'invalid_blocks';
          for (const e of els) {
            if (e.type !== 'button' || !e.action_id || e.action_id.length > 255 || !e.text?.text || e.text.text.length > 75) return 'invalid_blocks';
          }
          break;
        }
        default:
          return 'invalid_blocks';
      }
    }
    if (images && this.rejectImageBlocks > 0) {
      this.rejectImageBlocks--;
      return 'invalid_blocks';
    }
    return null;
  }

  /** A user file's private URL: like Slack, only with the bot token (else a login page, not the file). */
  private downloadUserFile(pathname: string, req: IncomingMessage, res: ServerResponse): void {
    const m = /^\/files-pri\/[^/]+-(F[A-Z0-9]+)\//.exec(pathname);
    const f = m ? this.userFiles.get(m[1]!) : undefined;
    const authorization = String(req.headers.authorization ?? '');
    if (f) this.downloads.push({ id: f.id, authorization });
    if (!f) {
      res.writeHead(404);
      res.end();
      return;
    }
    if (authorization !== `Bearer ${this.botToken}`) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Sign in to Slack</body></html>');
      return;
    }
    res.writeHead(200, { 'content-type': f.mimetype, 'content-length': String(f.bytes.length) });
    res.end(f.bytes);
  }

  private async uploadBytes(id: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const file = this.files.get(id);
    if (!file || req.method !== 'POST') {
      res.writeHead(404);
      res.end();
      return;
    }
    const ct = String(req.headers['content-type'] ?? '');
    let bytes = body;
    if (ct.startsWith('multipart/form-data')) {
      // The Web API client posts the bytes as a multipart form with one file part.
      const form = await new Response(body, { headers: { 'content-type': ct } }).formData();
      const part = [...form.values()].find((v) => typeof v !== 'string') as Blob | undefined;
      if (!part) {
        this.problems.push(`upload ${id}: no file part`);
        res.writeHead(400);
        res.end();
        return;
      }
      bytes = Buffer.from(await part.arrayBuffer());
    }
    if (bytes.length !== file.length) this.problems.push(`upload ${id}: ${bytes.length} bytes, announced ${file.length}`);
    file.bytes = bytes;
    file.uploadContentType = ct;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${bytes.length}`);
  }

  // ---- Socket Mode --------------------------------------------------------------

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    this.socketIds.set(ws, ++this.socketCount);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      let msg: { envelope_id?: string; payload?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        this.problems.push('socket: message is not JSON');
        return;
      }
      const id = msg.envelope_id;
      const resolve = id ? this.acks.get(id) : undefined;
      if (!id || !resolve) {
        this.problems.push(`socket: ack for unknown envelope ${id}`);
        return;
      }
      this.acks.delete(id);
      // A redelivery carries the same id: the ack is for the copy still waiting for one.
      const env = this.envelopes.find((e) => e.envelope_id === id && !e.ack);
      if (env) env.ack = { seq: ++this.seq, payload: msg.payload ?? {} };
      resolve(msg.payload ?? {});
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: this.sockets.size, debug_info: { host: 'fake-slack', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0APP' } }));
    for (const w of this.helloWaiters.splice(0)) w();
  }

  /** Resolves once a Socket Mode client is connected. */
  connected(): Promise<void> {
    if (this.sockets.size) return Promise.resolve();
    return new Promise((r) => this.helloWaiters.push(r));
  }

  /** How many Socket Mode connections are open now. */
  get connectionCount(): number {
    return [...this.sockets].filter((ws) => ws.readyState === ws.OPEN).length;
  }

  /**
   * Sends an envelope over a Socket Mode connection; resolves with the ack's payload. With several
   * connections (one app token, several instances), envelopes go round-robin over the open ones, as
   * Slack spreads events; `connection` picks one by number instead.
   */
  async sendEnvelope(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: unknown,
    o: { envelopeId?: string; retryAttempt?: number; connection?: number } = {},
  ): Promise<unknown> {
    const open = [...this.sockets].filter((w) => w.readyState === w.OPEN);
    const ws = o.connection !== undefined ? open.find((w) => this.socketIds.get(w) === o.connection) : open[this.spread++ % Math.max(open.length, 1)];
    if (!ws) throw new Error(o.connection !== undefined ? `Socket Mode connection ${o.connection} is not open` : 'no Socket Mode client is connected');
    // Slack may send an envelope again (the same id), e.g. when an ack was lost.
    const envelope_id = o.envelopeId ?? randomUUID();
    const env: Envelope = { envelope_id, type, payload, sentSeq: ++this.seq, connection: this.socketIds.get(ws) };
    this.envelopes.push(env);
    const acked = new Promise<unknown>((resolve, reject) => {
      this.acks.set(envelope_id, resolve);
      setTimeout(() => {
        if (this.acks.delete(envelope_id)) reject(new Error(`envelope ${type} was not acknowledged`));
      }, 10_000).unref();
    });
    ws.send(
      JSON.stringify({
        envelope_id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        retry_attempt: o.retryAttempt ?? 0,
        retry_reason: o.retryAttempt ? 'timeout' : '',
      }),
    );
    return acked;
  }

  // ---- payloads (shared by both modes) -------------------------------------------

  /** A trigger id the fake will accept once in views.open. */
  trigger(): string {
    const id = `${++this.ids}.${Date.now()}.trigger`;
    this.triggers.add(id);
    return id;
  }

  responseUrl(): string {
    return `${this.base}/respond/${++this.ids}`;
  }

  slashPayload(o: { command: string; text: string; user: string; channel: string; userName?: string }): Record<string, string> {
    return {
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      team_domain: 'fake',
      channel_id: o.channel,
      channel_name: 'general',
      user_id: o.user,
      user_name: o.userName ?? this.users.get(o.user)?.name ?? o.user,
      command: o.command,
      text: o.text,
      api_app_id: 'A0APP',
      is_enterprise_install: 'false',
      response_url: this.responseUrl(),
      trigger_id: this.trigger(),
    };
  }

  actionPayload(o: { actionId: string; value?: string; user: string; channel: string; messageTs: string; threadTs?: string; ephemeral?: boolean }): Record<string, unknown> {
    return {
      type: 'block_actions',
      user: { id: o.user, username: this.users.get(o.user)?.name ?? o.user, name: this.users.get(o.user)?.name ?? o.user, team_id: this.teamId },
      api_app_id: 'A0APP',
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: o.messageTs, channel_id: o.channel, is_ephemeral: o.ephemeral ?? false },
      trigger_id: this.trigger(),
      team: { id: this.teamId, domain: 'fake' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: o.channel, name: 'general' },
      message: { type: 'message', ts: o.messageTs, ...(o.threadTs ? { thread_ts: o.threadTs } : {}), text: '', user: this.botUserId, bot_id: 'BBOT' },
      response_url: this.responseUrl(),
      actions: [{ action_id: o.actionId, block_id: 'b1', value: o.value ?? o.actionId, type: 'button', text: { type: 'plain_text', text: 'x' }, action_ts: `${Date.now() / 1000}` }],
    };
  }

  viewSubmissionPayload(o: { user: string; view: Record<string, unknown>; value: string }): Record<string, unknown> {
    const blocks = (o.view.blocks as { block_id: string; element: { action_id: string } }[]) ?? [];
    const values: Record<string, Record<string, { type: string; value: string }>> = {};
    for (const b of blocks) values[b.block_id] = { [b.element.action_id]: { type: 'plain_text_input', value: o.value } };
    return {
      type: 'view_submission',
      team: { id: this.teamId, domain: 'fake' },
      user: { id: o.user, username: this.users.get(o.user)?.name ?? o.user, name: this.users.get(o.user)?.name ?? o.user, team_id: this.teamId },
      api_app_id: 'A0APP',
      token: 'deprecated-verification-token',
      trigger_id: this.trigger(),
      view: { id: 'V1', team_id: this.teamId, type: 'modal', ...o.view, state: { values }, hash: 'h', app_id: 'A0APP', bot_id: 'BBOT' },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
  }

  /** A view_submission with the given state values (block_id → action_id → value object), e.g. a file_input's `files`. */
  viewSubmissionWith(o: { user: string; view: Record<string, unknown>; values: Record<string, Record<string, Record<string, unknown>>> }): Record<string, unknown> {
    const base = this.viewSubmissionPayload({ user: o.user, view: { ...o.view, blocks: [] }, value: '' });
    const view = base.view as Record<string, unknown>;
    return { ...base, view: { ...view, blocks: o.view.blocks, state: { values: o.values } } };
  }

  messageEventBody(o: { user: string; channel: string; text: string; thread_ts?: string; subtype?: string; bot_id?: string }): Record<string, unknown> {
    const ts = this.nextTs();
    return {
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      api_app_id: 'A0APP',
      event: {
        type: 'message',
        channel: o.channel,
        user: o.user,
        text: o.text,
        ts,
        ...(o.thread_ts ? { thread_ts: o.thread_ts } : {}),
        ...(o.subtype ? { subtype: o.subtype } : {}),
        ...(o.bot_id ? { bot_id: o.bot_id } : {}),
        team: this.teamId,
        channel_type: 'channel',
        event_ts: ts,
      },
      type: 'event_callback',
      event_id: `Ev${++this.ids}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: this.teamId, user_id: this.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    };
  }

  // ---- queries -----------------------------------------------------------------

  /** Posts the scheduled messages whose time has come by `now()`, as Slack would; returns them. */
  deliverDue(): ScheduledMessage[] {
    const due = this.scheduled.filter((x) => !x.deleted && !x.posted && x.post_at * 1000 <= this.now());
    for (const sm of due) {
      sm.posted = true;
      const m: StoredMessage = { channel: sm.channel, ts: this.nextTs(), text: sm.text, blocks: sm.blocks, versions: [], files: [], kind: 'message' };
      m.versions.push({ text: m.text, blocks: m.blocks });
      this.messages.push(m);
    }
    return due;
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  channelMessages(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.thread_ts);
  }

  threadMessages(channel: string, threadTs: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.thread_ts === threadTs);
  }

  private nextTs(): string {
    return `1767225600.${String(++this.tsCounter).padStart(6, '0')}`;
  }

  /** Closes the Socket Mode connections (waiting for each to close) and the server. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.sockets].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve();
            const t = setTimeout(() => ws.terminate(), 2000);
            ws.once('close', () => {
              clearTimeout(t);
              resolve();
            });
            if (ws.readyState === ws.OPEN) ws.close(1001, 'fake slack stopping');
          }),
      ),
    );
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

// ---- HTTP mode helpers ----------------------------------------------------------

/** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>`, as Slack signs requests. */
export function sign(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPostOptions {
  secret: string;
  /** Seconds; defaults to now. */
  timestamp?: number;
  /** Override the computed signature (to test a bad one). */
  signature?: string;
  contentType?: string;
  /** More headers, e.g. Slack's `x-slack-retry-num` and `x-slack-retry-reason`. */
  headers?: Record<string, string>;
}

export async function signedPost(url: string, body: string, o: SignedPostOptions): Promise<{ status: number; text: string }> {
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': o.contentType ?? FORM,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': o.signature ?? sign(o.secret, timestamp, body),
      ...o.headers,
    },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** Form body of a slash command. */
export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Form body of an interactive payload (`payload=<json>`). */
export function payloadBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
