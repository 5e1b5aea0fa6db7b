/**
 * Composition root: config → logger → storage → services → adapters.
 * With no chat tokens, `npm start` plays in the terminal.
 */
import 'dotenv/config';
import { appOptionsFromConfig, createApp } from './app.ts';
import { ConfigError, adaptersFor, loadConfig } from './config/config.ts';
import { createLogger } from './log.ts';
import { SystemClock } from './runtime/clock.ts';

interface Running {
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const which = adaptersFor(config);
  const terminal = which.includes('terminal');
  const log = createLogger({ level: terminal && config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, stderr: terminal });
  const app = await createApp(appOptionsFromConfig(config, log, new SystemClock()));
  const running: Running[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    for (const r of running) await r.stop().catch((err: unknown) => log.error({ err }, 'adapter stop failed'));
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  for (const name of which) {
    if (name === 'discord') {
      const { startDiscord } = await import('./adapters/discord/start.ts');
      running.push(await startDiscord({ app, config, log }));
    } else if (name === 'slack') {
      const { startSlack } = await import('./adapters/slack/start.ts');
      running.push(await startSlack({ app, config, log }));
    }
  }
  // Once the adapters can post: rounds whose owner is gone go on (or, past the resume window, are closed
  // and their channels told). A live instance's rounds are left alone. Discord shards recover their own
  // guilds' rounds in their processes, so the sharding manager leaves Discord rounds to them.
  const recoverHere = async () => {
    for (const platform of which) {
      if (platform === 'discord' && config.DISCORD_SHARDS) continue;
      await app.game.recover({ platform });
      await app.game.announceInterrupted({ platform });
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
    if (running.length === 0) await shutdown('end of input');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Emergence failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
