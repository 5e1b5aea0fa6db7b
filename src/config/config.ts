/**
 * One zod schema over the environment. Fails fast with a readable list of every
 * problem. `.env` is read by main.ts (dotenv) before this runs; `.env.example` documents it all.
 */
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_PATH: z.string().min(1).default('./data/emergence.db'),
  LADDER_CACHE_DIR: z.string().min(1).default('./.cache/ladders'),
  DECKS_DIR: optionalString,
  DEFAULT_DECK: z.string().min(1).default('masterpieces'),
  STEP_SECONDS: z.coerce.number().int().min(1).max(120).default(15),
  /** A round whose overdue step is picked up later than this (the bot was down) is closed, not finished. */
  RESUME_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
  DISPLAY_SIZE: z.coerce.number().int().min(64).max(2048).default(512),
  /** Force the terminal adapter even when chat tokens are set. */
  TERMINAL: bool,
  TERMINAL_OUT_DIR: z.string().min(1).default('./out'),

  DISCORD_TOKEN: optionalString,
  DISCORD_APP_ID: optionalString,
  DISCORD_GUILD_ID: optionalString,
  DISCORD_MESSAGE_GUESSES: bool,
  DISCORD_SHARDS: optionalString,
  DISCORD_API_BASE: optionalString,
  DISCORD_HOST_ROLE: optionalString,

  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_MODE: z.enum(['socket', 'http']).default('socket'),
  SLACK_API_URL: optionalString,
  SLACK_HOST_USERS: optionalString,
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable.`);
  }
  const c = parsed.data;
  const problems: string[] = [];
  if (c.DISCORD_TOKEN && !c.DISCORD_APP_ID) problems.push('  - DISCORD_APP_ID: required when DISCORD_TOKEN is set');
  if (c.SLACK_BOT_TOKEN && c.SLACK_MODE === 'socket' && !c.SLACK_APP_TOKEN) {
    problems.push('  - SLACK_APP_TOKEN: required for Socket Mode (or set SLACK_MODE=http)');
  }
  if (c.SLACK_BOT_TOKEN && c.SLACK_MODE === 'http' && !c.SLACK_SIGNING_SECRET) {
    problems.push('  - SLACK_SIGNING_SECRET: required when SLACK_MODE=http');
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return c;
}

/** Which adapters to start: chat platforms when their tokens are set, else the terminal. */
export function adaptersFor(c: Config): ('discord' | 'slack' | 'terminal')[] {
  const out: ('discord' | 'slack' | 'terminal')[] = [];
  if (c.DISCORD_TOKEN) out.push('discord');
  if (c.SLACK_BOT_TOKEN) out.push('slack');
  if (c.TERMINAL || out.length === 0) out.push('terminal');
  return out;
}
