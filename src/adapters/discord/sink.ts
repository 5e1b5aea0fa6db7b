/**
 * A round's public messages in a Discord channel: exactly two per round.
 *   1. The round message, posted at step 1 and EDITED at every later step: the new
 *      step's image replaces the old attachment (`attachments: []` + the new file).
 *   2. The recap, posted at the end; the round message then loses its Guess button.
 * Channel messages (not the /play interaction's webhook) are used, so a round is not
 * bound to the 15-minute life of an interaction token.
 *
 * The sink keeps no round state: the round message's id travels in the reference it
 * returns (`<channel id>/<message id>`), which the runtime stores and hands back with
 * every update. So any process or shard that continues a round (after a restart or a
 * crash) edits the same message, and every edit sets the components afresh: a Guess
 * button left by a dead process is replaced, or removed when the round cannot go on.
 */
import { DiscordAPIError, RESTJSONErrorCodes, type Client, type SendableChannels } from 'discord.js';
import type { Logger } from 'pino';
import type { RoundSink, RoundUpdate } from '../../runtime/sink.ts';
import { renderEdit, renderMessage } from './render.ts';

export interface RoundMessageRef {
  channelId: string;
  messageId: string;
}

const SNOWFLAKE = /^\d{1,20}$/;

export function encodeMessageRef(ref: RoundMessageRef): string {
  return `${ref.channelId}/${ref.messageId}`;
}

/** The round message a reference names, or null when it is not one of ours (or names another channel). */
export function decodeMessageRef(ref: string | null | undefined, channelId: string): RoundMessageRef | null {
  if (!ref) return null;
  const [channel, message, ...rest] = ref.split('/');
  if (rest.length || !channel || !message || !SNOWFLAKE.test(channel) || !SNOWFLAKE.test(message)) return null;
  if (channel !== channelId) return null;
  return { channelId: channel, messageId: message };
}

export class DiscordSink implements RoundSink {
  constructor(
    private readonly client: Client,
    private readonly log: Logger,
  ) {}

  async publish(channelKey: string, update: RoundUpdate): Promise<string | void> {
    const channelId = channelKey.slice(channelKey.indexOf(':') + 1);
    const known = decodeMessageRef(update.messageRef, channelId);
    if (update.messageRef && !known) {
      this.log.warn({ roundId: update.roundId }, 'round message reference is not a Discord message of this channel; ignoring it');
    }
    const channel = await this.channel(channelId);
    switch (update.kind) {
      case 'step':
      case 'final': {
        if (known) {
          try {
            // The full payload, components included: whatever buttons an earlier process left are replaced.
            await channel.messages.edit(known.messageId, renderEdit(update.reply));
            return;
          } catch (err) {
            // Someone deleted the round message: post it again rather than lose the round.
            if (!isCode(err, RESTJSONErrorCodes.UnknownMessage)) throw err;
            this.log.info({ roundId: update.roundId }, 'round message was deleted; posting it again');
          }
        }
        const msg = await channel.send(renderMessage(update.reply));
        return encodeMessageRef({ channelId, messageId: msg.id });
      }
      case 'recap':
        await channel.send(renderMessage(update.reply));
        // The round is over: its Guess button goes (the last picture stays).
        if (known) await this.dropButtons(channel, known, update.roundId);
        return;
      case 'closed':
        if (known) await this.dropButtons(channel, known, update.roundId);
        return;
      case 'notice':
        await channel.send(renderMessage(update.reply));
        // A notice about a round (closed by a restart) means its button no longer leads anywhere.
        if (known) await this.dropButtons(channel, known, update.roundId);
        return;
    }
  }

  private async dropButtons(channel: SendableChannels, ref: RoundMessageRef, roundId: string): Promise<void> {
    await channel.messages.edit(ref.messageId, { components: [] }).catch((err: unknown) => {
      this.log.warn({ err, roundId }, 'could not remove the guess button');
    });
  }

  private async channel(id: string): Promise<SendableChannels> {
    const channel = await this.client.channels.fetch(id);
    if (!channel?.isSendable()) throw new Error(`discord channel ${id} is not a text channel the bot can post in`);
    return channel;
  }
}

export function isCode(err: unknown, code: number): boolean {
  return err instanceof DiscordAPIError && err.code === code;
}
