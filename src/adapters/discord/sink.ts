/**
 * A round's public messages in a Discord channel: exactly two per round.
 *   1. The round message, posted at step 1 and EDITED at every later step: the new
 *      step's image replaces the old attachment (`attachments: []` + the new file).
 *   2. The recap, posted at the end; the round message then loses its Guess button.
 * Channel messages (not the /play interaction's webhook) are used, so a round is not
 * bound to the 15-minute life of an interaction token.
 */
import { DiscordAPIError, RESTJSONErrorCodes, type Client, type SendableChannels } from 'discord.js';
import type { Logger } from 'pino';
import type { RoundSink, RoundUpdate } from '../../runtime/sink.ts';
import { renderEdit, renderMessage } from './render.ts';

interface RoundMessage {
  channelId: string;
  messageId: string;
}

export class DiscordSink implements RoundSink {
  private readonly rounds = new Map<string, RoundMessage>();

  constructor(
    private readonly client: Client,
    private readonly log: Logger,
  ) {}

  /** The round message of a running round (for tests and diagnostics). */
  roundMessage(roundId: string): RoundMessage | undefined {
    return this.rounds.get(roundId);
  }

  async publish(channelKey: string, update: RoundUpdate): Promise<void> {
    const channelId = channelKey.slice(channelKey.indexOf(':') + 1);
    const channel = await this.channel(channelId);
    switch (update.kind) {
      case 'step':
      case 'final': {
        const known = this.rounds.get(update.roundId);
        if (known) {
          try {
            await channel.messages.edit(known.messageId, renderEdit(update.reply));
            return;
          } catch (err) {
            // Someone deleted the round message: post it again rather than lose the round.
            if (!isCode(err, RESTJSONErrorCodes.UnknownMessage)) throw err;
            this.log.info({ roundId: update.roundId }, 'round message was deleted; posting it again');
          }
        }
        const msg = await channel.send(renderMessage(update.reply));
        this.rounds.set(update.roundId, { channelId, messageId: msg.id });
        return;
      }
      case 'recap': {
        const known = this.rounds.get(update.roundId);
        this.rounds.delete(update.roundId);
        await channel.send(renderMessage(update.reply));
        if (known) {
          // The round is over: its Guess button goes (the last picture stays).
          await channel.messages.edit(known.messageId, { components: [] }).catch((err: unknown) => {
            this.log.warn({ err, roundId: update.roundId }, 'could not remove the guess button');
          });
        }
        return;
      }
      case 'notice':
        await channel.send(renderMessage(update.reply));
        return;
    }
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
