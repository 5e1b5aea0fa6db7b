/**
 * Composition root: signals → config → logger → storage → services → adapters.
 * With no chat tokens, `npm start` plays in the terminal.
 *
 * Lifecycle, for a supervisor or a container's init:
 *   - SIGTERM, SIGINT and SIGHUP stop the bot the same way: adapters stop, running rounds are
 *     closed, the database is closed, exit 0. Under `npm start`, npm forwards SIGTERM and SIGINT
 *     (the script `exec`s node, so no shell stands between), but dies of SIGHUP without passing it
 *     on: the bot then sees its parent gone and stops the same way.
 *   - Stopping has a deadline (8 s, under Docker's 10 s grace period); past it the process exits 1.
 *   - An unhandled rejection or uncaught exception is logged with an incident id, the bot stops
 *     as above, and the process exits 1.
 *   - A failure to start prints a short plain message (no stack unless LOG_LEVEL=debug) and exits 1.
 */
import { randomUUID } from 'node:crypto';
import dotenv from 'dotenv';
import type { Logger } from 'pino';
import { appOptionsFromConfig, createApp, type App } from './app.ts';
import { ConfigError, adaptersFor, loadConfig, type Config } from './config/config.ts';
import { isStartupError } from './config/startup-error.ts';
import { createHealthCheck, startHealthServer, type AdapterHealth } from './health.ts';
import { createLogger } from './log.ts';
import { SystemClock } from './runtime/clock.ts';

export const SHUTDOWN_DEADLINE_MS = 8_000;

interface Running extends AdapterHealth {
  stop(): Promise<void>;
}

/** What exists so far: shutdown closes whatever start-up has reached. */
const state: {
  log?: Logger;
  config?: Config;
  app?: Promise<App>;
  running: Running[];
  stopping: boolean;
} = { running: [], stopping: false };

// First of all, before config, storage and recovery: a signal during start-up must still stop cleanly.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  // A repeated signal is ignored: Ctrl-C under npm arrives twice (from the terminal and from npm).
  process.on(signal, () => void shutdown(signal, 0));
}
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown('npm exited', 0);
  }, 500).unref();
}
process.on('unhandledRejection', (reason) => crashed('unhandled rejection', reason));
process.on('uncaughtException', (err) => crashed('uncaught exception', err));

function crashed(kind: string, err: unknown): void {
  const incident = randomUUID().slice(0, 8);
  if (state.log) state.log.fatal({ err, incident }, `${kind}: stopping`);
  else process.stderr.write(`Emergence: ${kind} (incident ${incident}): ${describe(err)}\n${stackOf(err)}`);
  void shutdown(kind, 1);
}

async function shutdown(reason: string, code: number): Promise<void> {
  if (state.stopping) return;
  state.stopping = true;
  const log = state.log;
  // unref: the timer must not itself keep a process alive that has nothing left to do.
  setTimeout(() => {
    if (log) log.error({ reason, deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time: exiting anyway');
    else process.stderr.write(`Emergence: shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s: exiting anyway\n`);
    process.exit(code || 1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  log?.info({ reason }, 'shutting down');
  for (const r of [...state.running].reverse()) {
    await r.stop().catch((err: unknown) => log?.error({ err }, 'adapter stop failed'));
  }
  const app = await state.app?.catch(() => undefined);
  await app?.close().catch((err: unknown) => log?.error({ err }, 'closing the app failed'));
  process.exit(code);
}

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  state.config = config;
  const which = adaptersFor(config);
  const terminal = which.includes('terminal');
  const log = createLogger({ level: terminal && config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, stderr: terminal });
  state.log = log;
  state.app = createApp(appOptionsFromConfig(config, log, new SystemClock()));
  const app = await state.app;
  if (state.stopping) return;

  if (config.HEALTH_PORT !== undefined) {
    const health = await startHealthServer({ port: config.HEALTH_PORT, check: createHealthCheck(app, state.running) });
    state.running.push({ name: 'health', stop: () => health.close() });
    log.info({ port: health.port }, 'health check listening on /healthz');
  }

  for (const name of which) {
    if (state.stopping) return;
    if (name === 'discord') {
      const { startDiscord } = await import('./adapters/discord/start.ts');
      const discord = await startDiscord({ app, config, log });
      state.running.push({ name, stop: () => discord.stop(), connected: () => discord.connected(), shards: discord.shards });
    } else if (name === 'slack') {
      const { startSlack } = await import('./adapters/slack/start.ts');
      const slack = await startSlack({ app, config, log, health: createHealthCheck(app, state.running) });
      state.running.push({ name, stop: () => slack.stop(), connected: () => slack.connected() });
    }
  }
  if (state.stopping) return;
  // Once the adapters can post: rounds whose owner is gone go on (or, past the resume window, are closed
  // and their channels told). A live instance's rounds are left alone. Discord shards recover their own
  // guilds' rounds in their processes, so the sharding manager leaves Discord rounds to them.
  const recoverHere = async () => {
    for (const platform of which) {
      if (platform === 'discord' && (config.DISCORD_SHARDS || config.DISCORD_SHARD_COUNT !== undefined)) continue;
      await app.game.recover({ platform });
      await app.game.announceInterrupted({ platform });
      await app.events.recover({ platform });
    }
  };
  if (!terminal) await recoverHere();
  if (terminal) {
    const { TerminalAdapter } = await import('./adapters/terminal/terminal.ts');
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    const lang = process.env.LC_ALL || process.env.LANG || '';
    const adapter = new TerminalAdapter({
      app,
      input: process.stdin,
      output: process.stdout,
      interactive,
      outDir: config.TERMINAL_OUT_DIR,
      locale: /^zh/i.test(lang) ? 'zh' : 'en',
      localeKnown: /^zh/i.test(lang),
    });
    await recoverHere();
    await adapter.run();
    if (!which.some((n) => n !== 'terminal')) await shutdown('end of input', 0);
  }
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // Paths and messages can come from the environment or from files: never echo control bytes.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?').trim();
}

function stackOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    parts.push(`${depth ? 'caused by: ' : ''}${e.stack ?? e.message}`);
  }
  return parts.length ? `${parts.join('\n')}\n` : '';
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    // Already a readable list of every problem.
    process.stderr.write(`${err.message}\n`);
  } else if (isStartupError(err)) {
    process.stderr.write(`${describe(err)}\n`);
  } else {
    process.stderr.write(`Emergence failed to start: ${describe(err)} (LOG_LEVEL=debug shows the stack)\n`);
  }
  const level = state.config?.LOG_LEVEL ?? process.env.LOG_LEVEL;
  if (level === 'debug' || level === 'trace') process.stderr.write(stackOf(err));
  // Close what start-up opened (the database), then exit 1.
  void shutdown('start-up failed', 1);
});
