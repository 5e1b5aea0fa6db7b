/**
 * One zod schema over the environment. Fails fast with a readable list of every
 * problem. `.env` is read by main.ts (dotenv) before this runs; `.env.example` documents it all.
 */
import { z } from 'zod';
import { DEFAULT_DAILY_DECKS, parseDay } from '../core/daily/daily.ts';
import { isValidZone } from '../core/leaderboard/periods.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

export const ConfigSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_PATH: z.string().min(1).default('./data/emergence.db'),
  /** postgres://… selects PostgreSQL instead of the SQLite file at DATABASE_PATH. */
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//i.test(v), {
    message: 'must be a postgres:// or postgresql:// URL (leave it empty to use SQLite at DATABASE_PATH)',
  }),
  LADDER_CACHE_DIR: z.string().min(1).default('./.cache/ladders'),
  DECKS_DIR: optionalString,
  DEFAULT_DECK: z.string().min(1).default('masterpieces'),
  STEP_SECONDS: z.coerce.number().int().min(1).max(120).default(15),
  /** A round whose overdue step is picked up later than this (the bot was down) is closed, not finished. */
  RESUME_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
  DISPLAY_SIZE: z.coerce.number().int().min(64).max(2048).default(512),
  /** Time zone (IANA name) in which the weekly and monthly leaderboards begin: Monday 00:00, the 1st 00:00. */
  LEADERBOARD_TZ: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : 'UTC'))
    .refine((v) => isValidZone(v), { message: 'must be an IANA time zone such as UTC, Europe/Paris or Asia/Shanghai' }),
  /** The decks the daily challenge's pictures come from, comma-separated. */
  DAILY_DECKS: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.split(',').map((d) => d.trim()).filter(Boolean) : [...DEFAULT_DAILY_DECKS])),
  /** Play this day's daily (YYYY-MM-DD) instead of today's: for tests and replaying a day. */
  DAILY_DATE: optionalString.refine((v) => v === undefined || parseDay(v) !== null, {
    message: 'must be a date written YYYY-MM-DD, such as 2026-12-01',
  }),
  /** Force the terminal adapter even when chat tokens are set. */
  TERMINAL: bool,
  TERMINAL_OUT_DIR: z.string().min(1).default('./out'),

  DISCORD_TOKEN: optionalString,
  DISCORD_APP_ID: optionalString,
  DISCORD_GUILD_ID: optionalString,
  DISCORD_MESSAGE_GUESSES: bool,
  DISCORD_SHARDS: optionalString,
  /** Shards this machine runs (`0,1`, `0-3`, `4-7,9`), of DISCORD_SHARD_COUNT: shard ranges on several machines. */
  DISCORD_SHARD_IDS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return undefined;
      const ids = parseShardIds(v);
      if (typeof ids === 'string') {
        ctx.addIssue({ code: 'custom', message: ids });
        return z.NEVER;
      }
      return ids;
    }),
  /** The total number of shards, the same on every machine (with DISCORD_SHARD_IDS, or alone for all of them here). */
  DISCORD_SHARD_COUNT: z.preprocess(
    (v) => (typeof v === 'string' && !v.trim() ? undefined : v),
    z.coerce.number().int().min(1).max(10_000).optional(),
  ),
  DISCORD_API_BASE: optionalString,
  DISCORD_HOST_ROLE: optionalString,

  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_MODE: z.enum(['socket', 'http']).default('socket'),
  SLACK_API_URL: optionalString,
  SLACK_HOST_USERS: optionalString,
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Serve GET /healthz on this port (unset: not served, except on PORT in Slack HTTP mode). */
  HEALTH_PORT: z.preprocess(
    (v) => (typeof v === 'string' && !v.trim() ? undefined : v),
    z.coerce.number().int().min(0).max(65535).optional(),
  ),
  /** Server decks: the only hosts pictures are downloaded from (`host[:port]`, comma-separated); empty: the platform's own. */
  ATTACHMENT_HOSTS: optionalString,
})
  // Settings that only make sense together; zod runs these once every variable above is valid.
  .superRefine((c, ctx) => {
    const problem = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
    if (c.DISCORD_TOKEN && !c.DISCORD_APP_ID) problem('DISCORD_APP_ID', 'required when DISCORD_TOKEN is set');
    if (c.SLACK_BOT_TOKEN && c.SLACK_MODE === 'socket' && !c.SLACK_APP_TOKEN) {
      problem('SLACK_APP_TOKEN', 'required for Socket Mode (or set SLACK_MODE=http)');
    }
    if (c.SLACK_BOT_TOKEN && c.SLACK_MODE === 'http' && !c.SLACK_SIGNING_SECRET) {
      problem('SLACK_SIGNING_SECRET', 'required when SLACK_MODE=http');
    }
    if (c.DISCORD_SHARD_IDS && c.DISCORD_SHARD_COUNT === undefined) {
      problem('DISCORD_SHARD_COUNT', 'required with DISCORD_SHARD_IDS (every machine must use the same total)');
    }
    const outside = c.DISCORD_SHARD_COUNT !== undefined ? c.DISCORD_SHARD_IDS?.filter((id) => id >= c.DISCORD_SHARD_COUNT!) : [];
    if (outside?.length) {
      problem(
        'DISCORD_SHARD_IDS',
        `shard ${outside.join(', ')} is not below DISCORD_SHARD_COUNT (${c.DISCORD_SHARD_COUNT}); shards count from 0`,
      );
    }
    if (c.DISCORD_SHARD_COUNT !== undefined && c.DISCORD_SHARDS && c.DISCORD_SHARDS !== String(c.DISCORD_SHARD_COUNT)) {
      problem('DISCORD_SHARDS', 'conflicts with DISCORD_SHARD_COUNT; set only DISCORD_SHARD_COUNT');
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Reads the environment; a bad value throws a ConfigError that lists every problem with the variable it is about. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration:\n${z.prettifyError(parsed.error)}\nSee .env.example for every variable.`);
  }
  return parsed.data;
}

/** `0,1`, `0-3`, `4-7,9` → sorted shard ids, or what is wrong with the text. */
export function parseShardIds(text: string): number[] | string {
  const ids = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(part);
    if (!m) return `"${part}" is not a shard id or a range like 0-3 (use "0,1" or "0-3")`;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return `the range "${part}" runs backwards`;
    for (let id = from; id <= to; id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Which adapters to start: chat platforms when their tokens are set, else the terminal. */
export function adaptersFor(c: Config): ('discord' | 'slack' | 'terminal')[] {
  const out: ('discord' | 'slack' | 'terminal')[] = [];
  if (c.DISCORD_TOKEN) out.push('discord');
  if (c.SLACK_BOT_TOKEN) out.push('slack');
  if (c.TERMINAL || out.length === 0) out.push('terminal');
  return out;
}
