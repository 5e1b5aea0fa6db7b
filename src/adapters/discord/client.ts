/**
 * The discord.js client, with only the intents the bot needs:
 *   - Guilds: slash commands, buttons and modals arrive as interactions, which need no
 *     other intent; Guilds gives the channel and role caches.
 *   - GuildMessages + MessageContent (privileged): only with DISCORD_MESSAGE_GUESSES=true,
 *     when plain messages in a channel with a running race count as guesses.
 * No zlib-sync: without it the gateway runs uncompressed, which the test fake relies on.
 */
import { Client, GatewayIntentBits, Options, type ClientOptions } from 'discord.js';
import { NO_MENTIONS } from './render.ts';

export interface DiscordClientOptions {
  messageGuesses: boolean;
  /** REST base without the version (discord.js `rest.api`), e.g. `https://discord.com/api`. */
  apiBase?: string;
  /** REST request timeout, ms (discord.js default 15 s). */
  restTimeoutMs?: number;
  /** Retries of failed REST requests (not 429s, which are always waited out). */
  restRetries?: number;
  /** How long to wait for guilds after READY (discord.js default 15 s). */
  waitGuildTimeoutMs?: number;
}

export function intentsFor(messageGuesses: boolean): GatewayIntentBits[] {
  return messageGuesses
    ? [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent]
    : [GatewayIntentBits.Guilds];
}

export function clientOptions(o: DiscordClientOptions): ClientOptions {
  const rest: NonNullable<ClientOptions['rest']> = {};
  if (o.apiBase) rest.api = o.apiBase.replace(/\/+$/, '');
  if (o.restTimeoutMs !== undefined) rest.timeout = o.restTimeoutMs;
  if (o.restRetries !== undefined) rest.retries = o.restRetries;
  return {
    intents: intentsFor(o.messageGuesses),
    // Belt and braces: even a payload built elsewhere never pings.
    allowedMentions: NO_MENTIONS,
    rest,
    waitGuildTimeout: o.waitGuildTimeoutMs ?? 15_000,
    // The bot reads few messages; keep the caches small.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      ReactionManager: 0,
      PresenceManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      VoiceStateManager: 0,
    }),
  };
}

export function createDiscordClient(o: DiscordClientOptions): Client {
  return new Client(clientOptions(o));
}
