/**
 * Each Slack delivery is handled once, by one instance:
 *   - HTTP mode: a request timestamped more than 5 minutes ahead is refused with 401 (Bolt only
 *     refuses old ones), and a signed request seen before (same timestamp and signature) is
 *     acknowledged and dropped;
 *   - both modes: an event whose `event_id` was seen before (Slack's retries, `X-Slack-Retry-Num`)
 *     and a Socket Mode envelope seen before are acknowledged and dropped.
 * What was seen is kept in the database (SlackEventLog), so this holds across instances.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { App as BoltApp, HTTPReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { SlackEventLog } from '../../storage/slack-events.ts';

/** Slack's own rule: a request is valid within 5 minutes of now, either way. */
export const MAX_CLOCK_SKEW_S = 5 * 60;

/** Context keys our receivers add (customPropertiesExtractor), read by the middleware below. */
export interface DeliveryProps {
  /** HTTP mode: `<timestamp>:<signature>` of the verified request. */
  slackRequest?: string;
  /** Socket Mode: the envelope id. */
  slackEnvelope?: string;
}

/** For HTTPReceiver's customPropertiesExtractor: what identifies this signed request. */
export function httpDeliveryProps(req: IncomingMessage): DeliveryProps {
  const ts = header(req, 'x-slack-request-timestamp');
  const sig = header(req, 'x-slack-signature');
  return ts && sig ? { slackRequest: `${ts}:${sig}` } : {};
}

/** For SocketModeReceiver's customPropertiesExtractor (its argument carries the envelope). */
export function socketDeliveryProps(args: { envelope_id?: unknown }): DeliveryProps {
  return typeof args?.envelope_id === 'string' && args.envelope_id ? { slackEnvelope: args.envelope_id } : {};
}

/** The keys that identify a delivery: any one seen before makes it a repeat. */
export function deliveryKeys(body: unknown, context: DeliveryProps): string[] {
  const keys: string[] = [];
  const eventId = (body as { event_id?: unknown } | undefined)?.event_id;
  if (typeof eventId === 'string' && eventId) keys.push(`ev:${eventId.slice(0, 200)}`);
  if (context.slackEnvelope) keys.push(`env:${context.slackEnvelope.slice(0, 200)}`);
  if (context.slackRequest) keys.push(`req:${context.slackRequest.slice(0, 200)}`);
  return keys;
}

export interface OnceOptions {
  log: SlackEventLog;
  logger: Logger;
  now?: () => number;
}

/**
 * Global Bolt middleware: runs after the signature check, before any listener. A repeat is
 * acknowledged (so Slack stops retrying) and goes no further. If the database cannot say, the
 * delivery is handled: a rare double answer is better than a lost guess.
 */
export function handleOnce(bolt: BoltApp, o: OnceOptions): { readonly repeats: number } {
  const stats = { repeats: 0 };
  bolt.use(async (args) => {
    const context = args.context as DeliveryProps & { retryNum?: number; retryReason?: string };
    const keys = deliveryKeys(args.body, context);
    let first = true;
    try {
      first = await o.log.firstSight(keys, (o.now ?? Date.now)());
    } catch (err) {
      o.logger.warn({ err: { message: String((err as Error)?.message ?? err) } }, 'slack: could not check for a repeated delivery; handling it');
    }
    if (!first) {
      stats.repeats++;
      o.logger.info({ keys: keys.map((k) => k.split(':')[0]), retryNum: context.retryNum, retryReason: context.retryReason }, 'slack: repeated delivery ignored');
      const ack = (args as { ack?: () => Promise<void> }).ack;
      if (ack) await ack().catch(() => undefined); // a late ack of a repeat: Slack has given up on it anyway
      return;
    }
    await args.next();
  });
  return stats;
}

/**
 * Wraps the HTTP receiver's request listener: a request to the events path whose timestamp is
 * more than 5 minutes in the future is refused with 401 before Bolt sees it.
 */
export function refuseFutureRequests(receiver: HTTPReceiver, path: string, logger: Logger, now: () => number = Date.now): void {
  const inner: RequestListener = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === path) {
      const ts = Number(header(req, 'x-slack-request-timestamp'));
      if (Number.isFinite(ts) && ts > Math.floor(now() / 1000) + MAX_CLOCK_SKEW_S) {
        logger.warn({ ahead_s: Math.round(ts - now() / 1000) }, 'slack: refused a request timestamped in the future');
        req.resume();
        res.writeHead(401);
        res.end();
        return;
      }
    }
    return inner(req, res);
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}
