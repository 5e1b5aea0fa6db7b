/**
 * Runs rounds: owns the per-channel state, feeds inputs to the pure engine,
 * commits every guess before acknowledging it, schedules timers on the Clock
 * and publishes public messages through the RoundSink.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Caller } from '../core/commands/define.ts';
import type { GamePort, GuessOutcome, HintOutcome, PlayOutcome, PlayRequest } from '../core/commands/services.ts';
import { UserError } from '../core/errors.ts';
import { compileAnswers, judge, normalizeGuess, rivalKeys, type CompiledAnswers } from '../core/game/judge.ts';
import {
  DEFAULT_STEP_SECONDS,
  clampStepSeconds,
  reduce,
  startRound,
  type Effect,
  type RoundEvent,
  type RoundConfig,
  type RoundInput,
  type RoundState,
  type Transition,
} from '../core/game/round.ts';
import type { Deck, DeckItem } from '../images/deck-schema.ts';
import type { DeckCatalog } from '../images/decks.ts';
import type { LadderCache } from '../images/ladder-cache.ts';
import { stepFileName, type Ladder } from '../images/ladder.ts';
import type { InterruptedRound, Store } from '../storage/store.ts';
import { recapReply, stepReply } from '../views/game.ts';
import { t } from '../views/i18n.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { SerialQueues } from './serial-queue.ts';
import type { RoundSink, RoundUpdate } from './sink.ts';

export interface GameServiceOptions {
  clock: Clock;
  store: Store;
  decks: DeckCatalog;
  ladders: LadderCache;
  sink: RoundSink;
  log: Logger;
  defaultDeck?: string;
  defaultStepSeconds?: number;
  displaySize?: number;
  /** Picks a random index below n; injected so tests can choose. */
  random?: (n: number) => number;
}

interface ActiveRound {
  state: RoundState;
  deck: Deck;
  item: DeckItem;
  compiled: CompiledAnswers;
  ladder: Ladder;
  timer: TimerHandle | null;
  /** The round message, as the sink named it (see RoundUpdate.messageRef). */
  messageRef: string | null;
}

/** What an adapter may know of a channel's round (no answer in it). */
export interface ChannelRound {
  id: string;
  status: 'running' | 'ended';
  mode: RoundConfig['mode'];
  locale: RoundConfig['locale'];
  messageRef: string | null;
}

export class GameService implements GamePort {
  private readonly active = new Map<string, ActiveRound>();
  private readonly queues = new SerialQueues();
  private readonly compiled = new Map<string, CompiledAnswers>();
  private readonly rivals = new Map<string, Set<string>>();
  private closing = false;

  constructor(private readonly o: GameServiceOptions) {}

  /** Rounds currently running, by channel (for tests, shutdown and diagnostics). */
  activeRound(channelId: string): RoundState | undefined {
    return this.active.get(channelId)?.state;
  }

  /** The round running in a channel, wherever it is played from; null when none. Adapters check buttons and chat against it. */
  async roundInChannel(channelId: string): Promise<ChannelRound | null> {
    const r = this.active.get(channelId);
    if (!r) return null;
    const c = r.state.config;
    return { id: c.id, status: r.state.status, mode: c.mode, locale: c.locale, messageRef: r.messageRef };
  }

  activeCount(): number {
    return this.active.size;
  }

  async play(caller: Caller, req: PlayRequest): Promise<PlayOutcome> {
    if (this.closing) throw new UserError('shutting-down');
    return this.queues.run(caller.channelId, async () => {
      if (this.active.has(caller.channelId)) throw new UserError('round-running');
      const deckId = req.deck ?? this.o.defaultDeck ?? 'masterpieces';
      const deck = this.o.decks.get(deckId);
      if (!deck) {
        throw new UserError('unknown-deck', { deck: deckId, decks: this.o.decks.list().map((d) => d.id).join(', ') });
      }
      let item: DeckItem | undefined;
      if (req.item) {
        item = deck.items.find((i) => i.id === req.item);
        if (!item) throw new UserError('unknown-item', { deck: deck.id, item: req.item });
      } else {
        const random = this.o.random ?? ((n: number) => Math.floor(Math.random() * n));
        item = deck.items[random(deck.items.length)]!;
      }
      const ladder = await this.o.ladders.getFile(this.o.decks.imagePath(deck, item), this.ladderOptions(item));
      // Hosts choose within 5-120 s; the operator default (STEP_SECONDS) may be shorter, for scripted play.
      const stepSeconds =
        req.stepSeconds !== undefined ? clampStepSeconds(req.stepSeconds) : (this.o.defaultStepSeconds ?? DEFAULT_STEP_SECONDS);
      const mode = req.mode ?? 'race';
      const now = this.o.clock.now();
      const id = randomUUID();
      const config: RoundConfig = {
        id,
        channelId: caller.channelId,
        scopeId: caller.scopeId,
        deckId: deck.id,
        itemId: item.id,
        mode,
        stepSeconds,
        hostId: caller.userId,
        locale: caller.locale,
      };
      const start = startRound(config, now);
      await this.o.store.createRound({ ...config, platform: caller.platform, startedAt: now });
      const round: ActiveRound = {
        state: start.state,
        deck,
        item,
        compiled: this.compile(deck, item),
        ladder,
        timer: null,
        messageRef: null,
      };
      this.active.set(caller.channelId, round);
      await this.apply(round, start);
      return { roundId: id, deckId: deck.id, deckName: deck.name, mode, stepSeconds };
    });
  }

  async guess(caller: Caller, text: string): Promise<GuessOutcome> {
    if (!text.trim()) throw new UserError('empty-guess');
    return this.queues.run(caller.channelId, async () => {
      const round = this.requireRound(caller);
      const verdict = judge(text, round.compiled);
      const now = this.o.clock.now();
      const tr = reduce(
        round.state,
        { type: 'player.guess', playerId: caller.userId, name: caller.userName, text, verdict },
        now,
      );
      const judged = tr.events.find((e) => e.type === 'guess.judged');
      if (!judged) {
        const refused = tr.events.find((e) => e.type === 'guess.refused');
        return { kind: 'refused', reason: refused?.type === 'guess.refused' ? refused.reason : 'ended' };
      }
      const s = round.state.config;
      // Committed before the player hears anything: a crash after this loses nothing.
      await this.o.store.recordGuess({
        roundId: s.id,
        playerId: caller.userId,
        playerName: caller.userName,
        channelId: s.channelId,
        scopeId: s.scopeId,
        deckId: s.deckId,
        itemId: s.itemId,
        mode: s.mode,
        step: judged.step,
        textNorm: normalizeGuess(text),
        verdict: judged.verdict,
        points: judged.points,
        first: judged.first,
        win: judged.first && s.mode === 'race',
        at: now,
      });
      await this.apply(round, tr);
      return {
        kind: 'judged',
        verdict: judged.verdict,
        step: judged.step,
        points: judged.points,
        first: judged.first,
        mode: s.mode,
        roundEnded: tr.state.status === 'ended',
      };
    });
  }

  async hint(caller: Caller): Promise<HintOutcome> {
    const round = this.requireRound(caller);
    return { category: round.item.category, step: round.state.step };
  }

  async skip(caller: Caller): Promise<void> {
    await this.input(caller.channelId, { type: 'host.skip' }, caller);
  }

  async stop(caller: Caller): Promise<void> {
    await this.input(caller.channelId, { type: 'host.stop' }, caller);
  }

  /**
   * Closes rounds a previous process left running. Scores were committed guess by guess,
   * so nothing is lost. Run it before adapters start (no new round can be caught by it);
   * tell the channels with `announceInterrupted` once the adapters are up.
   */
  async closeInterrupted(platform?: string): Promise<InterruptedRound[]> {
    return this.o.store.interruptRunning(this.o.clock.now(), platform);
  }

  async announceInterrupted(rounds: InterruptedRound[]): Promise<void> {
    for (const r of rounds) {
      const locale = r.locale === 'zh' ? 'zh' : 'en';
      await this.publishSafely(null, r.channelId, {
        roundId: r.id,
        messageRef: null,
        kind: 'notice',
        step: 0,
        reply: { text: t(locale, 'notice.restart') },
        locale,
        mode: r.mode === 'experiment' ? 'experiment' : 'race',
      });
    }
  }

  /** Finishes work in flight, then closes every running round as interrupted. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await this.queues.drain();
    const channels = [...this.active.keys()];
    await Promise.all(channels.map((ch) => this.input(ch, { type: 'round.interrupt' }).catch(() => undefined)));
    await this.queues.drain();
  }

  private requireRound(caller: Caller): ActiveRound {
    const round = this.active.get(caller.channelId);
    if (!round) throw new UserError('no-round');
    return round;
  }

  private async input(channelId: string, input: RoundInput, caller?: Caller): Promise<void> {
    await this.queues.run(channelId, async () => {
      const round = this.active.get(channelId);
      if (!round) {
        if (caller) throw new UserError('no-round');
        return;
      }
      await this.apply(round, reduce(round.state, input, this.o.clock.now()));
    });
  }

  private ladderOptions(item: DeckItem) {
    return { size: this.o.displaySize ?? 512, focus: item.focus };
  }

  private compile(deck: Deck, item: DeckItem): CompiledAnswers {
    const key = `${deck.id}/${item.id}`;
    let c = this.compiled.get(key);
    if (!c) {
      // Other items' names are rivals: "Gambia" must not pass for Zambia by typo tolerance.
      let rivals = this.rivals.get(deck.id);
      if (!rivals) {
        rivals = rivalKeys(deck.items);
        this.rivals.set(deck.id, rivals);
      }
      c = compileAnswers(item, { rivals });
      this.compiled.set(key, c);
    }
    return c;
  }

  /** Applies a transition: state, storage, public messages, timers. Runs inside the channel's queue. */
  private async apply(round: ActiveRound, tr: Transition): Promise<void> {
    round.state = tr.state;
    for (const effect of tr.effects) this.runEffect(round, effect);
    for (const event of tr.events) await this.onEvent(round, event);
  }

  private runEffect(round: ActiveRound, effect: Effect): void {
    if (round.timer) this.o.clock.clearTimer(round.timer);
    round.timer = null;
    if (effect.type === 'timer.set') {
      const channelId = round.state.config.channelId;
      const roundId = round.state.config.id;
      round.timer = this.o.clock.setTimer(effect.at, async () => {
        if (this.active.get(channelId)?.state.config.id !== roundId) return;
        await this.input(channelId, { type: 'timer.fired' }).catch((err: unknown) =>
          this.o.log.error({ err, roundId }, 'round timer failed'),
        );
      });
    }
  }

  private async onEvent(round: ActiveRound, event: RoundEvent): Promise<void> {
    const s = round.state;
    const channelId = s.config.channelId;
    switch (event.type) {
      case 'step.revealed': {
        if (event.step > 1) await this.o.store.setRoundStep(s.config.id, event.step);
        const image = { name: stepFileName(event.step), data: round.ladder.steps[event.step - 1]! };
        await this.publishSafely(round, channelId, { roundId: s.config.id, messageRef: round.messageRef, kind: 'step', step: event.step, reply: stepReply(s, image), locale: s.config.locale, mode: s.config.mode });
        return;
      }
      case 'window.final': {
        await this.o.store.setRoundStep(s.config.id, 7);
        const image = { name: stepFileName(6), data: round.ladder.steps[5]! };
        await this.publishSafely(round, channelId, { roundId: s.config.id, messageRef: round.messageRef, kind: 'final', step: 7, reply: stepReply(s, image), locale: s.config.locale, mode: s.config.mode });
        return;
      }
      case 'round.ended': {
        const reason = event.reason;
        await this.o.store.endRound(s.config.id, reason === 'interrupted' ? 'interrupted' : 'ended', reason, this.o.clock.now());
        this.active.delete(channelId);
        let strip: Uint8Array | null = null;
        try {
          strip = await this.o.ladders.stripFile(this.o.decks.imagePath(round.deck, round.item), this.ladderOptions(round.item));
        } catch (err) {
          this.o.log.warn({ err, roundId: s.config.id }, 'recap strip failed; sending the recap without it');
        }
        await this.publishSafely(round, channelId, {
          roundId: s.config.id,
          messageRef: round.messageRef,
          kind: 'recap',
          step: Math.min(s.step, 6),
          reply: recapReply(s, round.item, strip),
          locale: s.config.locale,
          mode: s.config.mode,
        });
        return;
      }
      case 'guess.judged':
      case 'guess.refused':
        return;
    }
  }

  /** A platform failure (missing permission, network) must not break the round or lose its data. */
  private async publishSafely(round: ActiveRound | null, channelId: string, update: RoundUpdate): Promise<void> {
    try {
      const ref = await this.o.sink.publish(channelId, update);
      if (round && typeof ref === 'string') round.messageRef = ref;
    } catch (err) {
      this.o.log.warn({ err, channelId, roundId: update.roundId, kind: update.kind }, 'could not publish a round update');
    }
  }
}
