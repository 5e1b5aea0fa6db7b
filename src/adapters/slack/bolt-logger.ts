/**
 * Bolt and the Slack SDK log through this: pino underneath, with anything that looks
 * like a Slack token or a signature scrubbed from the message text (the SDK's debug
 * lines include raw payloads). Bolt's chatter is one level quieter than ours.
 */
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from 'pino';

const SECRET = /\b(xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|v0=[a-f0-9]{16,})\b/g;
const FIELD_SECRET = /("?(?:token|signing_secret|authorization)"?\s*[:=]\s*"?)(?:Bearer\s+)?[^",\s}&]+/gi;

export function scrubSecrets(s: string): string {
  return s.replace(SECRET, '[redacted]').replace(FIELD_SECRET, '$1[redacted]');
}

function text(args: unknown[]): string {
  return scrubSecrets(
    args
      .map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : safeJson(a)))
      .join(' ')
      .slice(0, 4000),
  );
}

function safeJson(a: unknown): string {
  try {
    return JSON.stringify(a);
  } catch {
    return String(a);
  }
}

/**
 * Our LOG_LEVEL decides, not Bolt (which sets INFO on every logger it is given):
 * SDK debug lines appear at pino `trace`, SDK info at `debug`, warnings and errors as such.
 */
export function boltLogger(log: Logger): SlackLogger {
  const child = log.child({ component: 'slack-sdk' });
  const level = (): LogLevel =>
    log.isLevelEnabled('trace') ? LogLevel.DEBUG : log.isLevelEnabled('debug') ? LogLevel.INFO : LogLevel.WARN;
  const rank: Record<LogLevel, number> = { [LogLevel.DEBUG]: 0, [LogLevel.INFO]: 1, [LogLevel.WARN]: 2, [LogLevel.ERROR]: 3 };
  const on = (l: LogLevel) => rank[l] >= rank[level()];
  return {
    debug: (...a: unknown[]) => void (on(LogLevel.DEBUG) && child.trace(text(a))),
    info: (...a: unknown[]) => void (on(LogLevel.INFO) && child.debug(text(a))),
    warn: (...a: unknown[]) => void (on(LogLevel.WARN) && child.warn(text(a))),
    error: (...a: unknown[]) => void (on(LogLevel.ERROR) && child.error(text(a))),
    setLevel: () => undefined,
    getLevel: level,
    setName: () => undefined,
  };
}
