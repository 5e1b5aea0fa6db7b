/**
 * A round on Slack: one channel message carries the round's state (step n/6, mode,
 * the current picture, the Guess button) and is updated with `chat.update` at every
 * step; each step's picture is uploaded into that message's thread. At the end the
 * round message shows the answer, and the recap (with the strip) is posted in the channel.
 */
import type { Mode } from '../../core/game/round.ts';
import type { Locale } from '../../core/reply.ts';
import type { RoundSink, RoundUpdate } from '../../runtime/sink.ts';
import { t } from '../../views/i18n.ts';
import { raw } from './inbound.ts';
import { CANNOT_POST, slackErrorCode, type SlackOut } from './outbound.ts';

interface RoundMessage {
  roundId: string;
  channel: string;
  /** The channel message's ts: also the thread of the round. */
  ts: string;
  locale: Locale;
  /** The line under the round's text: where the pictures are, how to guess. */
  note: string;
  /** The current step's uploaded picture. */
  image?: { fileId: string; alt: string };
}

export interface SlackSinkOptions {
  out: SlackOut;
  /** The locale (the host's) and mode of a running round, read when its first message is posted. */
  roundInfo?: (channelId: string) => { locale: Locale; mode: Mode } | undefined;
  onError?: (err: unknown, channelId: string, update: RoundUpdate) => void;
}

export class SlackRoundSink implements RoundSink {
  private readonly rounds = new Map<string, RoundMessage>();
  private readonly failures = new Map<string, string>();

  constructor(private readonly o: SlackSinkOptions) {}

  /** The ts of the running round's channel message (its thread), if it was posted. */
  roundThread(channelId: string): string | undefined {
    return this.rounds.get(channelId)?.ts;
  }

  /** The last "cannot post here" error seen for a channel, cleared when read. */
  takeFailure(channelId: string): string | undefined {
    const f = this.failures.get(channelId);
    this.failures.delete(channelId);
    return f;
  }

  async publish(channelId: string, update: RoundUpdate): Promise<void> {
    try {
      await this.route(channelId, update);
    } catch (err) {
      const code = slackErrorCode(err);
      if (code && CANNOT_POST.has(code)) this.failures.set(channelId, code);
      this.o.onError?.(err, channelId, update);
      throw err;
    }
  }

  private async route(channelId: string, update: RoundUpdate): Promise<void> {
    switch (update.kind) {
      case 'step':
      case 'final':
        return this.step(channelId, update);
      case 'recap':
        return this.recap(channelId, update);
      case 'notice':
        return this.notice(channelId, update);
    }
  }

  private async step(channelId: string, update: RoundUpdate): Promise<void> {
    const out = this.o.out;
    let rm = this.rounds.get(channelId);
    if (!rm || rm.roundId !== update.roundId) {
      const channel = raw(channelId);
      const { ts } = await out.post(channel, out.message(update.reply));
      const info = this.o.roundInfo?.(channelId);
      const locale = info?.locale ?? 'en';
      const note = [t(locale, 'slack.round.thread'), ...(info?.mode === 'race' ? [t(locale, 'slack.round.race')] : [])].join(' ');
      rm = { roundId: update.roundId, channel, ts, locale, note };
      this.rounds.set(channelId, rm);
    }
    const image = update.reply.images?.[0];
    if (update.kind === 'step' && image) {
      const alt = update.reply.title ?? image.name;
      const file = await out.upload(rm.channel, { ...image, alt: image.alt ?? alt }, {
        threadTs: rm.ts,
        comment: out.message({ text: `**${alt}**` }).text,
      });
      rm.image = { fileId: file.id, alt: image.alt ?? alt };
    }
    await out.update(rm.channel, rm.ts, out.message(update.reply, { images: rm.image ? [rm.image] : [], note: rm.note }));
  }

  private async recap(channelId: string, update: RoundUpdate): Promise<void> {
    const out = this.o.out;
    const rm = this.rounds.get(channelId);
    this.rounds.delete(channelId);
    const channel = raw(channelId);
    const reply = update.reply;
    const strip = reply.images?.[0];
    let stripFile: { fileId: string; alt: string } | undefined;
    if (rm) {
      // The round message keeps its last picture, loses its button, and names the answer.
      // Best effort: the recap below matters more than this edit (the message may have been deleted).
      await out
        .update(
          rm.channel,
          rm.ts,
          out.message(
            { title: reply.title, text: reply.text },
            { images: rm.image ? [rm.image] : [], noButtons: true, note: t(rm.locale, 'slack.round.ended') },
          ),
        )
        .catch((err: unknown) => this.o.onError?.(err, channelId, update));
      if (strip) {
        const alt = strip.alt ?? strip.name;
        const file = await out.upload(rm.channel, { ...strip, alt }, { threadTs: rm.ts, comment: out.message({ text: `**${reply.title ?? alt}**` }).text });
        stripFile = { fileId: file.id, alt };
      }
    } else if (strip) {
      stripFile = { fileId: (await out.upload(undefined, { ...strip, alt: strip.alt ?? strip.name })).id, alt: strip.alt ?? strip.name };
    }
    const sent = await out.post(channel, out.message(reply, { images: stripFile ? [stripFile] : [] }));
    if (strip && !rm && !sent.imagesShown) await out.upload(channel, strip, { threadTs: sent.ts });
  }

  private async notice(channelId: string, update: RoundUpdate): Promise<void> {
    const rm = this.rounds.get(channelId);
    await this.o.out.post(raw(channelId), this.o.out.message(update.reply), rm?.ts);
  }
}
