/**
 * Starts the Discord adapter: one client in this process, or, with DISCORD_SHARDS or
 * DISCORD_SHARD_COUNT, a ShardingManager with one process per shard of this machine (see shard.ts).
 *
 * `stop()` (SIGTERM): the game finishes the writes in flight and closes running rounds
 * as interrupted (their recaps still go out, the client is alive), the handlers still
 * running answer, then the client disconnects.
 */
import { once } from 'node:events';
import { Events, RESTEvents, type Client, type ShardingManager } from 'discord.js';
import type { Logger } from 'pino';
import type { App } from '../../app.ts';
import type { Config } from '../../config/config.ts';
import type { ConnectionState } from '../../health.ts';
import { DiscordBot } from './bot.ts';
import { createDiscordClient } from './client.ts';
import { shardPlan, startShardManager } from './shard.ts';
import { DiscordEventPlatform } from './events.ts';
import { DiscordSink } from './sink.ts';

export interface StartDiscordOptions {
  app: App;
  config: Config;
  log: Logger;
  /** REST client settings (tests: a short timeout and no retries). */
  rest?: { timeoutMs?: number; retries?: number };
  /** Defer interactions not answered after this long (ms, default 1500). */
  deferAfterMs?: number;
  /** Run the client here even if DISCORD_SHARDS is set (the shard process itself). */
  inProcess?: boolean;
  /** Wait for missing guilds after READY (ms). */
  waitGuildTimeoutMs?: number;
  /** Between two shards' logins (ms, default 5500: Discord's identify limit). */
  shardSpawnDelayMs?: number;
}

export interface RunningDiscord {
  stop(): Promise<void>;
  /** The shard processes' manager, in sharded mode. */
  manager?: ShardingManager;
  /** For /healthz: the client is ready, or (sharded) every shard of this machine is. */
  connected(): boolean;
  /** Sharded mode, for /healthz: each shard's state by id. */
  shards?(): Record<string, ConnectionState>;
  client?: Client;
  bot?: DiscordBot;
  sink?: DiscordSink;
}

export async function startDiscord(o: StartDiscordOptions): Promise<RunningDiscord> {
  const { app, config } = o;
  const log = o.log.child({ adapter: 'discord' });
  const token = config.DISCORD_TOKEN;
  if (!token) throw new Error('DISCORD_TOKEN is not set');

  const plan = shardPlan(config);
  if (plan !== null && !o.inProcess) {
    const managed = await startShardManager({ token, plan, apiBase: config.DISCORD_API_BASE, log, spawnDelayMs: o.shardSpawnDelayMs });
    // No Discord sink here: each shard runs, recovers and announces the rounds of its own guilds.
    log.info({ shards: [...managed.manager.shards.keys()], of: managed.manager.totalShards }, 'discord shards running');
    const shards = () => shardStates(managed.manager);
    return {
      manager: managed.manager,
      stop: () => managed.stop(),
      shards,
      connected: () => Object.values(shards()).every((s) => s === 'connected'),
    };
  }

  const client = createDiscordClient({
    messageGuesses: config.DISCORD_MESSAGE_GUESSES,
    apiBase: config.DISCORD_API_BASE,
    restTimeoutMs: o.rest?.timeoutMs,
    restRetries: o.rest?.retries,
    waitGuildTimeoutMs: o.waitGuildTimeoutMs,
  });
  const sink = new DiscordSink(client, log);
  app.sinks.register('discord', sink);
  app.events.registerPlatform('discord', new DiscordEventPlatform(client, log));
  const bot = new DiscordBot({
    app,
    client,
    log,
    hostRole: config.DISCORD_HOST_ROLE,
    messageGuesses: config.DISCORD_MESSAGE_GUESSES,
    deferAfterMs: o.deferAfterMs,
  });
  bot.attach();

  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord warning'));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ shard, code: event.code }, 'discord gateway disconnected'));
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, 'discord gateway reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'discord gateway resumed'));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    log.warn({ route: info.route, method: info.method, retryAfter: info.retryAfter, global: info.global, scope: info.scope }, 'discord rate limit: waiting'),
  );

  // An unrecoverable close (bad token, intents not enabled in the portal …) would leave
  // login waiting forever: fail fast with an explanation instead.
  let onDisconnect: ((event: { code: number }) => void) | undefined;
  const refused = new Promise<never>((_, reject) => {
    onDisconnect = (event) => reject(new Error(explainClose(event.code, config.DISCORD_MESSAGE_GUESSES)));
    client.once(Events.ShardDisconnect, onDisconnect);
  });
  const ready = once(client, Events.ClientReady);
  try {
    await Promise.race([client.login(token).then(() => ready), refused]);
  } catch (err) {
    await client.destroy();
    throw err;
  } finally {
    if (onDisconnect) client.off(Events.ShardDisconnect, onDisconnect);
  }
  log.info(
    { user: client.user?.tag, guilds: client.guilds.cache.size, messageGuesses: config.DISCORD_MESSAGE_GUESSES },
    'discord ready',
  );

  let stopped = false;
  return {
    client,
    bot,
    sink,
    connected: () => client.isReady(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.game.shutdown();
      await bot.idle();
      await client.destroy();
      log.info('discord stopped');
    },
  };
}

/** A readable reason for the gateway close codes that end a login. */
export function explainClose(code: number, messageGuesses: boolean): string {
  switch (code) {
    case 4004:
      return 'Discord refused the token (4004): check DISCORD_TOKEN.';
    case 4013:
      return 'Discord refused the intents (4013: invalid intents).';
    case 4014:
      return messageGuesses
        ? 'Discord refused the Message Content intent (4014). Turn on "Message Content Intent" under Bot in the Developer Portal, or set DISCORD_MESSAGE_GUESSES=false.'
        : 'Discord refused the intents (4014: disallowed intents).';
    default:
      return `Discord closed the gateway connection for good (code ${code}).`;
  }
}

/** Each shard's gateway state as the manager knows it (discord.js keeps Shard.ready from the shard's IPC messages). */
export function shardStates(manager: ShardingManager): Record<string, ConnectionState> {
  return Object.fromEntries([...manager.shards].map(([id, shard]) => [String(id), shard.ready ? 'connected' : 'disconnected']));
}
