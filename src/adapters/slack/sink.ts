/**
 * A round on Slack: one channel message carries the round's state (step n/6, mode,
 * the current picture, the Guess button) and is updated with `chat.update` at every
 * step; each step's picture is uploaded into that message's thread. At the end the
 * round message shows the answer, and the recap (with the strip) is posted in the channel.
 *
 * The sink keeps nothing between calls: where the round message is (and which picture it
 * shows) travels in the message reference it returns, which the runtime stores and hands
 * back with every update. So any instance can continue any round.
 */
import type { Locale } from '../../core/reply.ts';
import type { RoundSink, RoundUpdate } from '../../runtime/sink.ts';
import { t } from '../../views/i18n.ts';
import { raw } from './inbound.ts';
import type { SlackOut } from './outbound.ts';

/** The round message as its reference string names it (JSON, short keys: it is stored with the round). */
export interface RoundMessageRef {
  /** Raw channel id. */
  c: string;
  /** The channel message's ts: also the ts of the round's thread. */
  ts: string;
  /** The current step's uploaded picture (file id and alt text), shown in the message. */
  f?: string;
  a?: string;
}

/** Reads a reference this sink returned; null for none or for one it cannot read (then a new message is posted). */
export function parseRoundRef(ref: string | null | undefined): RoundMessageRef | null {
  if (!ref) return null;
  try {
    const v = JSON.parse(ref) as Partial<RoundMessageRef> | null;
    if (!v || typeof v.c !== 'string' || typeof v.ts !== 'string' || !v.c || !v.ts) return null;
    const out: RoundMessageRef = { c: v.c, ts: v.ts };
    if (typeof v.f === 'string' && v.f) {
      out.f = v.f;
      out.a = typeof v.a === 'string' ? v.a : '';
    }
    return out;
  } catch {
    return null;
  }
}

export function formatRoundRef(ref: RoundMessageRef): string {
  return JSON.stringify(ref);
}

export interface SlackSinkOptions {
  out: SlackOut;
  /** Failures after the round message exists are reported here rather than thrown, so its reference is kept. */
  onError?: (err: unknown, channelId: string, update: RoundUpdate) => void;
}

export class SlackRoundSink implements RoundSink {
  constructor(private readonly o: SlackSinkOptions) {}

  async publish(channelId: string, update: RoundUpdate): Promise<string | void> {
    switch (update.kind) {
      case 'step':
      case 'final':
        return this.step(channelId, update);
      case 'recap':
        return this.recap(channelId, update);
      case 'notice':
        return this.notice(channelId, update);
      case 'closed': {
        const ref = parseRoundRef(update.messageRef);
        if (ref) await this.close(ref, update);
        return;
      }
    }
  }

  /** The round message keeps its last picture, loses its button, and names the answer. */
  private close(ref: RoundMessageRef, update: RoundUpdate): Promise<unknown> {
    const out = this.o.out;
    return out.update(
      ref.c,
      ref.ts,
      out.message(
        { title: update.reply.title, text: update.reply.text },
        { images: ref.f ? [{ fileId: ref.f, alt: ref.a ?? '' }] : [], noButtons: true, note: t(update.locale, 'slack.round.ended') },
      ),
    );
  }

  private note(locale: Locale, mode: RoundUpdate['mode']): string {
    return [t(locale, 'slack.round.thread'), ...(mode === 'race' ? [t(locale, 'slack.round.race')] : [])].join(' ');
  }

  private async step(channelId: string, update: RoundUpdate): Promise<string> {
    const out = this.o.out;
    let ref = parseRoundRef(update.messageRef);
    if (!ref) {
      // The first post may throw: then there is no round message, and the runtime has nothing to keep.
      const channel = raw(channelId);
      const { ts } = await out.post(channel, out.message(update.reply));
      ref = { c: channel, ts };
    }
    try {
      const image = update.reply.images?.[0];
      if (update.kind === 'step' && image) {
        const alt = image.alt ?? update.reply.title ?? image.name;
        const file = await out.upload(ref.c, { ...image, alt }, {
          threadTs: ref.ts,
          comment: out.message({ text: `**${update.reply.title ?? alt}**` }).text,
        });
        ref = { ...ref, f: file.id, a: alt };
      }
      await out.update(ref.c, ref.ts, out.message(update.reply, { images: ref.f ? [{ fileId: ref.f, alt: ref.a ?? '' }] : [], note: this.note(update.locale, update.mode) }));
    } catch (err) {
      // The round message exists: keep pointing at it, so the next step edits it instead of posting another.
      this.o.onError?.(err, channelId, update);
    }
    return formatRoundRef(ref);
  }

  private async recap(channelId: string, update: RoundUpdate): Promise<void> {
    const out = this.o.out;
    const ref = parseRoundRef(update.messageRef);
    const channel = raw(channelId);
    const reply = update.reply;
    const strip = reply.images?.[0];
    let stripFile: { fileId: string; alt: string } | undefined;
    if (ref) {
      // Best effort: the recap below matters more than this edit (the message may have been deleted).
      await this.close(ref, update).catch((err: unknown) => this.o.onError?.(err, channelId, update));
      if (strip) {
        const alt = strip.alt ?? strip.name;
        const file = await out.upload(ref.c, { ...strip, alt }, { threadTs: ref.ts, comment: out.message({ text: `**${reply.title ?? alt}**` }).text });
        stripFile = { fileId: file.id, alt };
      }
    } else if (strip) {
      stripFile = { fileId: (await out.upload(undefined, { ...strip, alt: strip.alt ?? strip.name })).id, alt: strip.alt ?? strip.name };
    }
    const sent = await out.post(channel, out.message(reply, { images: stripFile ? [stripFile] : [] }));
    if (strip && !ref && !sent.imagesShown) await out.upload(channel, strip, { threadTs: sent.ts });
  }

  private async notice(channelId: string, update: RoundUpdate): Promise<void> {
    const ref = parseRoundRef(update.messageRef);
    await this.o.out.post(raw(channelId), this.o.out.message(update.reply), ref?.ts);
  }
}
