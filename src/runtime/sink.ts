import type { Mode } from '../core/game/round.ts';
import type { Locale, Reply } from '../core/reply.ts';

/**
 * Where the runtime sends a round's public messages. Each adapter decides how:
 * Discord edits one round message per step and posts one recap, Slack threads the
 * steps under one updated channel message, the terminal prints them.
 */
export interface RoundUpdate {
  roundId: string;
  /**
   * `step` for steps 1..6, `final` for the last window, `recap` at the end, `notice` for anything else.
   * `closed` only puts the round message in its ended state (no button), as the recap does, without
   * posting anything: for a round message that appeared after its round's recap (another instance's
   * winner committed while step 1 was being posted). Its reply is the recap's, without pictures.
   */
  kind: 'step' | 'final' | 'recap' | 'notice' | 'closed';
  step: number;
  reply: Reply;
  /** The round's locale and mode, so a sink needs no back-channel to the adapter to render or route it. */
  locale: Locale;
  mode: Mode;
  /**
   * The round message's reference as this or another instance's sink returned it before (the runtime
   * keeps it in the database), or null before the round's first post. Opaque to the runtime: a sink
   * edits that message from any instance, and keeps no round state of its own.
   */
  messageRef: string | null;
}

export interface RoundSink {
  /** Returns the round message's reference to keep for later updates, or nothing to keep the one it had. */
  publish(channelId: string, update: RoundUpdate): Promise<string | void>;
}

/** Routes updates to the adapter that owns the channel, by its platform prefix (`discord:`, `slack:` …). */
export class SinkRouter implements RoundSink {
  private readonly sinks = new Map<string, RoundSink>();

  register(platform: string, sink: RoundSink): void {
    this.sinks.set(platform, sink);
  }

  async publish(channelId: string, update: RoundUpdate): Promise<string | void> {
    const platform = channelId.slice(0, channelId.indexOf(':'));
    const sink = this.sinks.get(platform);
    if (!sink) throw new Error(`no sink for platform "${platform}"`);
    return sink.publish(channelId, update);
  }
}
