import pino, { type Logger } from 'pino';

/** Every path where a secret could appear in a log object. Tokens are never logged. */
const REDACT = [
  'token',
  '*.token',
  'config.DISCORD_TOKEN',
  'config.SLACK_BOT_TOKEN',
  'config.SLACK_APP_TOKEN',
  'config.SLACK_SIGNING_SECRET',
  'DISCORD_TOKEN',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
];

export interface LogOptions {
  level?: string;
  /** Write to stderr (terminal play keeps stdout for the game). */
  stderr?: boolean;
  /** Pretty output for a human at a terminal. */
  pretty?: boolean;
}

export function createLogger(o: LogOptions = {}): Logger {
  const fd = o.stderr ? 2 : 1;
  const pretty = o.pretty ?? Boolean(fd === 2 ? process.stderr.isTTY : process.stdout.isTTY);
  const base = { level: o.level ?? 'info', redact: { paths: REDACT, censor: '[redacted]' } };
  if (pretty) {
    return pino(
      base,
      pino.transport({ target: 'pino-pretty', options: { destination: fd, colorize: true, translateTime: 'SYS:HH:MM:ss' } }),
    );
  }
  return pino(base, pino.destination({ fd, sync: true }));
}
