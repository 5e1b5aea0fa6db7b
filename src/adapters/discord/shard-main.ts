/**
 * One shard's process, spawned by the ShardingManager (see shard.ts). discord.js reads
 * the shard ids and count from the environment the manager sets (SHARDS, SHARD_COUNT).
 * It opens the shared database, runs the rounds of its own guilds, and on SIGTERM
 * finishes the writes in flight, hands its running rounds over (they go on after a restart) and exits.
 */
import 'dotenv/config';
import { appOptionsFromConfig, createApp } from '../../app.ts';
import { loadConfig } from '../../config/config.ts';
import { createLogger } from '../../log.ts';
import { SystemClock } from '../../runtime/clock.ts';
import { startDiscord } from './start.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.LOG_LEVEL }).child({ shards: process.env.SHARDS ?? '?' });
  const app = await createApp(appOptionsFromConfig(config, log, new SystemClock()));
  const running = await startDiscord({ app, config, log, inProcess: true });
  // Each shard goes on with (or closes, past the resume window) the rounds of its own guilds, and tells
  // their channels; the manager process leaves Discord rounds to the shards.
  const scopeIds = [...(running.client?.guilds.cache.keys() ?? [])].map((id) => `discord:${id}`);
  await app.game.recover({ platform: 'discord', scopeIds });
  await app.game.announceInterrupted({ platform: 'discord', scopeIds });
  await app.events.recover({ platform: 'discord', scopeIds });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'discord shard shutting down');
    await running.stop().catch((err: unknown) => log.error({ err }, 'discord stop failed'));
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Discord shard failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
