/**
 * Restart notices in sharded mode. The manager process closes the rounds a crash left
 * running (main.ts, before any shard starts), but it has no gateway: the channels are told
 * by the shards that serve them.
 *
 *   - The manager registers `ShardNoticeRelay` as the Discord sink. Each notice goes to
 *     this machine's shards over the ShardingManager's IPC channel; a shard that has the
 *     channel among its guilds' channels posts it (through its own DiscordSink, once its
 *     client is ready) and says so.
 *   - A notice no shard here claims belongs to a guild of a shard on another machine
 *     (DISCORD_SHARD_IDS), or to a channel that is gone. The manager then posts it itself
 *     through REST (`fallback`), which needs no gateway, so the channel is told exactly once
 *     by whichever machine closed the round; a channel that is gone is logged.
 *
 * Only notices pass here: rounds run in the shard processes, never in the manager.
 */
import { randomUUID } from 'node:crypto';
import type { Client, Shard, ShardingManager } from 'discord.js';
import type { Logger } from 'pino';
import type { RoundSink, RoundUpdate } from '../../runtime/sink.ts';

interface NoticeRequest {
  emergence: 'notice';
  id: string;
  channelKey: string;
  update: RoundUpdate;
}

interface NoticeAnswer {
  emergence: 'notice-done';
  id: string;
  /** The channel is one of this shard's guilds' (whether or not posting worked). */
  owned: boolean;
}

const isRequest = (m: unknown): m is NoticeRequest =>
  typeof m === 'object' && m !== null && (m as NoticeRequest).emergence === 'notice';
const isAnswer = (m: unknown): m is NoticeAnswer =>
  typeof m === 'object' && m !== null && (m as NoticeAnswer).emergence === 'notice-done';

/** The manager process's Discord sink: notices to the shard that serves the channel. */
export class ShardNoticeRelay implements RoundSink {
  constructor(
    private readonly o: {
      manager: ShardingManager;
      /** Posts from this process through REST, for channels no local shard serves. */
      fallback: RoundSink;
      log: Logger;
      /** How long a shard may take to answer (a shard being respawned never does). */
      answerTimeoutMs?: number;
    },
  ) {}

  async publish(channelKey: string, update: RoundUpdate): Promise<void> {
    if (update.kind !== 'notice') throw new Error(`a ${update.kind} update reached the shard manager; rounds run in the shards`);
    // IPC is JSON: a notice is text, so nothing binary is lost.
    const request: NoticeRequest = { emergence: 'notice', id: randomUUID(), channelKey, update: { ...update, reply: { ...update.reply, images: undefined } } };
    const answers = await Promise.all([...this.o.manager.shards.values()].map((shard) => this.ask(shard, request)));
    if (answers.some(Boolean)) return;
    this.o.log.info({ channel: channelKey, roundId: update.roundId }, 'no shard here serves this channel; posting the notice from the manager');
    await this.o.fallback.publish(channelKey, update);
  }

  private ask(shard: Shard, request: NoticeRequest): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const done = (owned: boolean) => {
        clearTimeout(timer);
        shard.off('message', onMessage);
        resolve(owned);
      };
      const onMessage = (m: unknown) => {
        if (isAnswer(m) && m.id === request.id) done(m.owned);
      };
      const timer = setTimeout(() => {
        this.o.log.warn({ shard: shard.id, roundId: request.update.roundId }, 'a shard did not answer about a notice');
        done(false);
      }, this.o.answerTimeoutMs ?? 15_000);
      shard.on('message', onMessage);
      shard.send(request).catch((err: unknown) => {
        this.o.log.warn({ err, shard: shard.id }, 'could not reach a shard');
        done(false);
      });
    });
  }
}

/**
 * In a shard process: posts the notices for channels of this shard's guilds, once the client
 * is ready, and answers the manager. Returns a function that stops listening.
 */
export function serveShardNotices(o: { client: Client; sink: RoundSink; log: Logger; ready: Promise<unknown> }): () => void {
  const onMessage = (m: unknown) => {
    if (!isRequest(m)) return;
    void (async () => {
      await o.ready;
      const channelId = m.channelKey.slice(m.channelKey.indexOf(':') + 1);
      // The cache holds the channels of this shard's guilds only: that is what "ours" means.
      const channel = o.client.channels.cache.get(channelId);
      const owned = Boolean(channel && 'guildId' in channel && channel.guildId);
      if (owned) {
        await o.sink.publish(m.channelKey, m.update).catch((err: unknown) => {
          o.log.warn({ err, roundId: m.update.roundId }, 'could not post a restart notice');
        });
      }
      const answer: NoticeAnswer = { emergence: 'notice-done', id: m.id, owned };
      process.send?.(answer);
    })();
  };
  process.on('message', onMessage);
  return () => process.off('message', onMessage);
}
