/**
 * Downloads an attached picture, trusting nothing the platform or the file server says:
 *   - only from an allowed host (the platform's file hosts, or ATTACHMENT_HOSTS), over HTTPS unless
 *     the override names the host;
 *   - redirects are followed by hand, each hop checked against the same list (so no hop can reach an
 *     internal address);
 *   - one deadline for the whole download, and reading stops at the byte limit whatever the headers said.
 * Every refusal is a UserError with its own message.
 */
import type { AttachmentRef } from '../core/commands/define.ts';
import { UserError } from '../core/errors.ts';
import { DECLARED_TYPES, DOWNLOAD_TIMEOUT_MS, MAX_DECLARED_SIDE, MAX_REDIRECTS, MAX_UPLOAD_BYTES } from './limits.ts';

/** An allowed host: its name, and a port when the entry named one. */
export interface HostRule {
  host: string;
  port?: string;
  /** Named by ATTACHMENT_HOSTS: plain http is allowed too (tests on 127.0.0.1). */
  override: boolean;
}

export interface DownloadOptions {
  hosts: HostRule[];
  timeoutMs?: number;
  maxBytes?: number;
  /** Slack's bot token, sent only to allowed hosts for files marked `auth: 'slack'`. */
  slackToken?: string;
}

/** `ATTACHMENT_HOSTS` (comma-separated `host[:port]`) or the platform's defaults. */
export function hostRules(override: string | undefined, defaults: readonly string[]): HostRule[] {
  const list = override?.trim();
  if (!list) return defaults.map((host) => ({ host, override: false }));
  return list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .map((entry) => {
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
      return { host: m?.[1] ?? entry, port: m?.[2], override: true };
    });
}

function allowed(url: URL, rules: HostRule[]): boolean {
  const proto = url.protocol;
  if (proto !== 'https:' && proto !== 'http:') return false;
  const defaultPort = proto === 'https:' ? '443' : '80';
  const port = url.port || defaultPort;
  return rules.some((r) => {
    if (r.host !== url.hostname.toLowerCase()) return false;
    if (proto === 'http:' && !r.override) return false;
    return (r.port ?? defaultPort) === port;
  });
}

/** The checks on what the platform declares, before any byte is fetched. */
export function checkDeclared(ref: AttachmentRef, maxBytes = MAX_UPLOAD_BYTES): void {
  if (ref.size !== undefined && ref.size === 0) throw new UserError('upload-empty');
  if (ref.size !== undefined && ref.size > maxBytes) throw new UserError('upload-too-large', { max: Math.round(maxBytes / 1024 / 1024) });
  if (ref.contentType) {
    const type = ref.contentType.split(';')[0]!.trim().toLowerCase();
    if (!(DECLARED_TYPES as readonly string[]).includes(type)) throw new UserError('upload-type', { type: type.slice(0, 40) });
  }
  if ((ref.width ?? 0) > MAX_DECLARED_SIDE || (ref.height ?? 0) > MAX_DECLARED_SIDE) {
    throw new UserError('upload-dimensions', { max: MAX_DECLARED_SIDE });
  }
}

export async function downloadAttachment(ref: AttachmentRef, o: DownloadOptions): Promise<Uint8Array> {
  const maxBytes = o.maxBytes ?? MAX_UPLOAD_BYTES;
  const timeoutMs = o.timeoutMs ?? DOWNLOAD_TIMEOUT_MS;
  checkDeclared(ref, maxBytes);
  let url: URL;
  try {
    url = new URL(ref.url);
  } catch {
    throw new UserError('upload-host');
  }
  if (!allowed(url, o.hosts)) throw new UserError('upload-host');

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    let res: Response | undefined;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {};
      if (ref.auth === 'slack' && o.slackToken) headers.authorization = `Bearer ${o.slackToken}`;
      res = await fetch(url, { redirect: 'manual', signal: abort.signal, headers });
      if (res.status < 300 || res.status >= 400) break;
      await res.body?.cancel().catch(() => undefined);
      const location = res.headers.get('location');
      if (!location || hop >= MAX_REDIRECTS) throw new UserError('upload-redirect');
      const next = new URL(location, url);
      if (!allowed(next, o.hosts)) throw new UserError('upload-redirect');
      url = next;
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      throw new UserError('upload-failed');
    }
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(length) && length > maxBytes) {
      await res.body.cancel().catch(() => undefined);
      throw new UserError('upload-too-large', { max: Math.round(maxBytes / 1024 / 1024) });
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        // The platform said it was small: the size lied. Otherwise it is just too big.
        if (ref.size !== undefined) throw new UserError('upload-size-mismatch');
        throw new UserError('upload-too-large', { max: Math.round(maxBytes / 1024 / 1024) });
      }
      chunks.push(value);
    }
    if (total === 0) throw new UserError('upload-empty');
    if (ref.size !== undefined && total !== ref.size) throw new UserError('upload-size-mismatch');
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (abort.signal.aborted) throw new UserError('upload-slow', { seconds: Math.round(timeoutMs / 100) / 10 });
    throw new UserError('upload-failed');
  } finally {
    clearTimeout(timer);
  }
}
