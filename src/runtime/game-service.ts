/**
 * Runs rounds. A round's state lives in the database (src/storage/rounds.ts), not in this process: every
 * input (a guess, a step timer, a host's skip or stop) is one transaction that loads the round, lets the
 * pure engine decide, and writes the result with compare-and-set. So any instance can take any input for
 * any round, and a crash loses nothing that was acknowledged. After the commit, the public messages go
 * through a per-channel outbox, outside any lock, and the next step is scheduled (local timer plus, on
 * PostgreSQL, a durable job). This process keeps only caches it can rebuild (ladders, compiled answers).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Kysely, Transaction } from 'kysely';
import type { PlayerState } from '../core/game/round.ts';
import type { Logger } from 'pino';
import type { Caller } from '../core/commands/define.ts';
import type { GamePort, GuessOutcome, HintOutcome, PlayOutcome, PlayRequest } from '../core/commands/services.ts';
import { UserError, isUserError } from '../core/errors.ts';
import { compileAnswers, judge, normalizeGuess, rivalKeys, type CompiledAnswers } from '../core/game/judge.ts';
import {
  DEFAULT_STEP_SECONDS,
  clampStepSeconds,
  reduce,
  startRound,
  type RoundConfig,
  type RoundEvent,
  type RoundInput,
  type RoundState,
  type Transition,
} from '../core/game/round.ts';
import { STEP_COUNT } from '../core/game/steps.ts';
import type { Deck, DeckItem } from '../images/deck-schema.ts';
import type { DeckCatalog } from '../images/decks.ts';
import { isServerDeckId, type DeckService } from '../decks/service.ts';
import type { LadderCache } from '../images/ladder-cache.ts';
import { stepFileName, type Ladder } from '../images/ladder.ts';
import { motionStepFileName, type MotionLadder } from '../images/motion.ts';
import {
  casRound,
  claimFromDead,
  claimLease,
  claimRecap,
  finishRecap,
  insertRound,
  isPostgres,
  leasedByOthers,
  lastEndedRound,
  lockChannel,
  lockChannels,
  orphanedRounds,
  pendingRecaps,
  playersOf,
  releaseLeases,
  releaseRecap,
  renewLeases,
  playersIn,
  roundById,
  runningRoundOf,
  roundsAndGuessers,
  savePlayer,
  setMessageRef,
  stateOf,
  type RoundRecord,
  type RoundView,
} from '../storage/rounds.ts';
import { RoundCache } from '../storage/round-cache.ts';
import type { Database } from '../storage/schema.ts';
import { writeGuess, writeGuesses, type GuessRecord } from '../storage/guess-write.ts';
import type { InterruptedRound, Store } from '../storage/store.ts';
import { recapReply, stepReply } from '../views/game.ts';
import { t } from '../views/i18n.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { LocalScheduler, type StepJob, type StepScheduler } from './scheduler.ts';
import { SerialQueues } from './serial-queue.ts';
import { provideKnownChineseTables } from './known-chinese.ts';
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
  /** Step timers; local timers on the clock by default (SQLite). */
  scheduler?: StepScheduler;
  /** This instance's id, for round leases (random by default). */
  instanceId?: string;
  /** A round whose overdue step is picked up later than this is closed as interrupted (default 120 s). */
  resumeWindowMs?: number;
  /** How long a lease holds without a heartbeat (default 15 s); heartbeats come every third of it. */
  leaseMs?: number;
  /** The servers' own decks (src/decks/), playable only in their server. */
  serverDecks?: Pick<DeckService, 'deckForPlay' | 'picture' | 'slugs'>;
}

/** What an adapter may know of a channel's round (no answer in it). */
export interface ChannelRound {
  id: string;
  status: 'running' | 'ended';
  mode: RoundConfig['mode'];
  locale: RoundConfig['locale'];
  messageRef: string | null;
}

/** Which rounds a recovery or announcement is for: a platform, or a Discord shard's guilds (scope ids). */
export interface RoundFilter {
  platform?: string;
  scopeIds?: readonly string[];
}

function matches(r: RoundRecord, f: RoundFilter): boolean {
  return (!f.platform || r.platform === f.platform) && (!f.scopeIds || f.scopeIds.includes(r.scope_id));
}

/** A transition that committed. */
interface Decided {
  before: RoundState;
  tr: Transition;
}

/** A transition that committed, with the round row it started from. */
interface Committed extends Decided {
  row: RoundRecord;
}

/** Another input moved the round between our read and our write: read again and retry. */
class Conflict extends Error {}

/** A guess waiting for the next group commit. */
interface PendingGuess {
  caller: Caller;
  text: string;
  now: number;
  resolve: (done: Decided | null) => void;
  reject: (err: unknown) => void;
}

/** Guesses per group-commit transaction, at most. */
const GUESSES_PER_BATCH = 500;

const LATE_GUESS_MS = 10_000;
const STEP_RETRY_MS = 5_000;
/** How long a claimed recap is held while it is being sent (uploads included); past it, another instance may send it. */
const RECAP_CLAIM_MS = 60_000;
/** A recap that could not be sent is tried again from this long after. */
const RECAP_RETRY_MS = 5_000;
/** The heartbeat retries the recaps of rounds that ended this recently; older ones wait for the next start. */
const RECAP_SWEEP_MS = 3_600_000;

export class GameService implements GamePort {
  private readonly queues = new SerialQueues();
  private readonly outbox = new SerialQueues();
  private readonly compiled = new Map<string, CompiledAnswers>();
  private readonly rivals = new Map<string, Set<string>>();
  private readonly scheduler: StepScheduler;
  readonly instanceId: string;
  private readonly resumeWindowMs: number;
  private readonly leaseMs: number;
  private heartbeat: TimerHandle | null = null;
  /** The filters `recover` was called with: the heartbeat looks again for rounds orphaned since. */
  private readonly sweeps = new Map<string, RoundFilter>();
  private started = false;
  private closing = false;
  /** Told when a round ends (after its recap): hosted events run their next step from here. */
  private readonly endListeners: ((state: RoundState) => Promise<void>)[] = [];
  /** Guesses that arrived while a group commit was being written: they go into the next one. */
  private pendingGuesses: PendingGuess[] = [];
  private guessWriter: Promise<void> | null = null;
  /** Recaps this instance failed to send (round id → channel): its heartbeat tries them again, recovery filters or not. */
  private readonly owedRecaps = new Map<string, string>();
  /** The rounds' fixed columns, so that guess batches read only the live ones (never a source of truth). */
  private readonly roundCache = new RoundCache();

  constructor(private readonly o: GameServiceOptions) {
    provideKnownChineseTables();
    this.scheduler = o.scheduler ?? new LocalScheduler(o.clock);
    // Host and pid in the id let a process on SQLite see that the owner of a round is gone (see ownerIsGone).
    this.instanceId = o.instanceId ?? `${hostname()}/${process.pid}/${randomUUID()}`;
    this.resumeWindowMs = o.resumeWindowMs ?? 120_000;
    this.leaseMs = o.leaseMs ?? 15_000;
  }

  private get db(): Kysely<Database> {
    return this.o.store.db;
  }

  /** Starts the timers' worker and the lease heartbeat. Idempotent; `play` and `recover` call it. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.scheduler.start((job) => this.onStepDue(job));
    this.beat();
  }

  private beat(): void {
    this.heartbeat = this.o.clock.setTimer(this.o.clock.now() + this.leaseMs / 3, async () => {
      if (this.closing) return;
      // Beats come every third of a lease: one with more than two thirds left lasts past the next beat.
      const now = this.o.clock.now();
      await renewLeases(this.db, this.instanceId, now + this.leaseMs, now + (this.leaseMs * 2) / 3).catch((err: unknown) =>
        this.o.log.warn({ err }, 'could not renew round leases'),
      );
      // A lease still held at start (a process restarted right after kill -9, or another instance that
      // died later) expires afterwards: without looking again, nothing would ever take that round on.
      for (const f of this.sweeps.values()) {
        if (this.closing) break;
        await this.recover(f).catch((err: unknown) => this.o.log.warn({ err }, 'could not look for orphaned rounds'));
        await this.sendOwedRecaps(f, now - RECAP_SWEEP_MS).catch((err: unknown) => this.o.log.warn({ err }, 'could not look for owed recaps'));
      }
      for (const [roundId, channelId] of this.owedRecaps) {
        if (this.closing) break;
        const r = await roundById(this.db, roundId).catch(() => null);
        if (r === null) continue;
        if (!r || r.announced) this.owedRecaps.delete(roundId);
        else await this.outbox.run(channelId, () => this.sendRecap(roundId));
      }
      this.beat();
    });
  }

  /** Calls `fn` once per round that ends, on the instance that ended it, after the recap was posted. */
  onRoundEnded(fn: (state: RoundState) => Promise<void>): void {
    this.endListeners.push(fn);
  }

  /** The round running in a channel, whichever instance runs it; null when none. Adapters check buttons and chat against it. */
  async roundInChannel(channelId: string): Promise<ChannelRound | null> {
    const r = await runningRoundOf(this.db, channelId);
    if (!r) return null;
    return { id: r.id, status: 'running', mode: r.mode === 'experiment' ? 'experiment' : 'race', locale: r.locale === 'zh' ? 'zh' : 'en', messageRef: r.message_ref };
  }

  async play(caller: Caller, req: PlayRequest): Promise<PlayOutcome> {
    if (this.closing) throw new UserError('shutting-down');
    await this.start();
    return this.queues.run(caller.channelId, async () => {
      if (await runningRoundOf(this.db, caller.channelId)) throw new UserError('round-running');
      const deckId = req.deck ?? this.o.defaultDeck ?? 'masterpieces';
      // A server deck (src/decks/) is looked up only in the caller's own server or workspace.
      const deck = this.o.decks.get(deckId) ?? (await this.o.serverDecks?.deckForPlay(caller.scopeId, deckId));
      if (!deck) {
        // The caller's own server decks are named too, and only theirs.
        const own = (await this.o.serverDecks?.slugs(caller.scopeId)) ?? [];
        throw new UserError('unknown-deck', { deck: deckId, decks: [...this.o.decks.list().map((d) => d.id), ...own].join(', ') });
      }
      let item: DeckItem | undefined;
      if (req.item) {
        item = deck.items.find((i) => i.id === req.item);
        if (!item) throw new UserError('unknown-item', { deck: deck.id, item: req.item });
      } else {
        const random = this.o.random ?? ((n: number) => Math.floor(Math.random() * n));
        item = deck.items[random(deck.items.length)]!;
      }
      // Before the round exists: a picture that cannot be drawn refuses the round, it does not break it.
      const picture = await this.pictureOf({ deckId: deck.id, itemId: item.id });
      await this.ladderOf(picture);
      if (isMotion(item)) await this.motionOf(picture);
      // Hosts choose within 5-120 s; the operator default (STEP_SECONDS) may be shorter, for scripted play.
      const stepSeconds =
        req.stepSeconds !== undefined ? clampStepSeconds(req.stepSeconds) : (this.o.defaultStepSeconds ?? DEFAULT_STEP_SECONDS);
      const mode = req.mode ?? 'race';
      const now = this.o.clock.now();
      const config: RoundConfig = {
        id: randomUUID(),
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
      try {
        await this.db.transaction().execute(async (trx) => {
          await lockChannel(trx, caller.channelId);
          if (await runningRoundOf(trx, caller.channelId)) throw new UserError('round-running');
          const row = await insertRound(trx, start.state, { platform: caller.platform, ownerId: this.instanceId, leaseUntil: now + this.leaseMs });
          this.roundCache.remember(row);
        });
      } catch (err) {
        // Two instances starting a round in one channel at once: the database's unique index refuses the second.
        if (isUserError(err) || !(await runningRoundOf(this.db, caller.channelId))) throw err;
        throw new UserError('round-running');
      }
      await this.after(start.state, start.state, start);
      return { roundId: config.id, deckId: deck.id, deckName: deck.name, mode, stepSeconds };
    });
  }

  /**
   * A guess is judged and committed before it is answered. Guesses are group-committed: those that
   * arrive while a transaction is being written, for any channels, go into the next single transaction
   * (`commitGuesses`), and each caller is answered once that one has committed.
   */
  async guess(caller: Caller, text: string): Promise<GuessOutcome> {
    if (!text.trim()) throw new UserError('empty-guess');
    const now = this.o.clock.now();
    let done: Decided | null;
    try {
      done = await new Promise<Decided | null>((resolve, reject) => {
        this.pendingGuesses.push({ caller, text, now, resolve, reject });
        this.writeGuesses();
      });
    } catch (err) {
      if (isUserError(err)) throw err;
      // Said honestly: the guess was not stored, so it does not count.
      this.o.log.error({ err, channel: caller.channelId }, 'a guess could not be committed');
      throw new UserError('not-saved');
    }
    if (!done) return this.lateGuess(caller, text, now);
    const { tr } = done;
    const judged = tr.events.find((e) => e.type === 'guess.judged');
    if (!judged || judged.type !== 'guess.judged') {
      const refused = tr.events.find((e) => e.type === 'guess.refused');
      return { kind: 'refused', reason: refused?.type === 'guess.refused' ? refused.reason : 'ended' };
    }
    await this.after(done.before, tr.state, tr);
    return {
      kind: 'judged',
      verdict: judged.verdict,
      step: judged.step,
      points: judged.points,
      first: judged.first,
      mode: done.before.config.mode,
      roundEnded: tr.state.status === 'ended',
    };
  }

  /** Starts the group-commit writer unless it runs; it takes what is pending until nothing is. */
  private writeGuesses(): void {
    if (this.guessWriter) return;
    this.guessWriter = (async () => {
      while (this.pendingGuesses.length > 0) {
        const batch = this.pendingGuesses.splice(0, GUESSES_PER_BATCH);
        await this.commitGuesses(batch);
        // Let the answered callers run on (a player's next guess, another channel's) so that they join the next batch.
        await new Promise<void>((r) => setImmediate(r));
      }
    })().finally(() => {
      this.guessWriter = null;
      if (this.pendingGuesses.length > 0) this.writeGuesses();
    });
  }

  /**
   * One transaction for a batch of guesses: lock their channels (PostgreSQL), read their running rounds
   * and the guessers' rows once, let the engine decide each guess in arrival order (a channel's guesses
   * one after another, on the state the previous one left), then write every player row, round change
   * and guess with multi-row statements. If the batch fails as a whole (a lost compare-and-set, a
   * deadlock, a bad row), it rolls back and each guess is committed on its own, so only a failing one fails.
   */
  private async commitGuesses(batch: PendingGuess[]): Promise<void> {
    let results: (Decided | null | { error: unknown })[];
    try {
      results = await this.db.transaction().execute((trx) => this.decideGuesses(trx, batch));
    } catch {
      for (const g of batch) {
        try {
          g.resolve(await this.commitGuess(g));
        } catch (err) {
          g.reject(err);
        }
      }
      return;
    }
    batch.forEach((g, i) => {
      const r = results[i]!;
      if (r && 'error' in r) g.reject(r.error);
      else g.resolve(r);
    });
  }

  private async decideGuesses(trx: Transaction<Database>, batch: PendingGuess[]): Promise<(Decided | null | { error: unknown })[]> {
    const channels = [...new Set(batch.map((g) => g.caller.channelId))].sort();
    await lockChannels(trx, channels);
    let rows: Map<string, RoundView>;
    let players: Map<string, PlayerState>;
    if (isPostgres(trx)) {
      // One statement for the rounds and the guessers' rows: there, each round trip costs both processes CPU.
      const read = await roundsAndGuessers(trx, batch.map((g) => [g.caller.channelId, g.caller.userId] as const));
      rows = new Map(read.rounds.map((r) => [r.channel_id, r]));
      players = read.players;
    } else {
      rows = new Map((await this.roundCache.runningRoundsOf(trx, channels)).map((r) => [r.channel_id, r]));
      const pairs = new Map<string, [string, string]>();
      for (const g of batch) {
        const row = rows.get(g.caller.channelId);
        if (row) pairs.set(`${row.id}\u0000${g.caller.userId}`, [row.id, g.caller.userId]);
      }
      players = await playersIn(trx, [...pairs.values()]);
    }
    // Read before the engine decides (synchronously, below): a server deck's picture comes from the database.
    const pictures = new Map<string, Awaited<ReturnType<GameService['pictureOf']>> | Error>();
    for (const row of rows.values()) pictures.set(row.id, await this.pictureOf(row, trx).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
    /** Per channel: the state the batch has reached, and the round as it was read. */
    const states = new Map<string, { read: RoundState; state: RoundState }>();
    const touched = new Map<string, { roundId: string; player: PlayerState }>();
    const records: GuessRecord[] = [];
    const results = batch.map((g): Decided | null | { error: unknown } => {
      const row = rows.get(g.caller.channelId);
      if (!row) return null;
      let at = states.get(row.channel_id);
      if (!at) {
        const read = stateOf(row, {});
        states.set(row.channel_id, (at = { read, state: read }));
      }
      // The round ended earlier in this batch: like a guess that finds no running round (a late guess).
      if (at.state.status !== 'running') return null;
      try {
        const picture = pictures.get(row.id);
        if (!picture || picture instanceof Error) throw picture ?? new UserError('picture-gone');
        const { deck, item } = picture;
        const verdict = judge(g.text, this.compile(deck, item));
        const key = `${row.id}\u0000${g.caller.userId}`;
        const known = touched.get(key)?.player ?? players.get(key);
        const before: RoundState = { ...at.state, players: known ? { [g.caller.userId]: known } : {} };
        const tr = reduce(before, { type: 'player.guess', playerId: g.caller.userId, name: g.caller.userName, text: g.text, verdict }, g.now);
        const judged = tr.events.find((e) => e.type === 'guess.judged');
        if (!judged || judged.type !== 'guess.judged') return { before, tr };
        touched.set(key, { roundId: row.id, player: tr.state.players[g.caller.userId]! });
        at.state = { ...tr.state, players: {} };
        records.push(this.guessRecord(g.caller, before, judged, normalizeGuess(g.text), g.now));
        return { before, tr };
      } catch (error) {
        return { error };
      }
    });
    for (const { read, state } of states.values()) {
      if (!(await casIfMoved(trx, read, state))) throw new Conflict();
    }
    if (records.length > 0) await writeGuesses(trx, records, [...touched.keys()].sort().map((k) => touched.get(k)!));
    return results;
  }

  /** One guess in its own transaction, with compare-and-set and retries (a failed batch's fallback). */
  private async commitGuess(g: PendingGuess): Promise<Committed | null> {
    const { caller, text, now } = g;
    return this.commit(caller.channelId, null, async (trx, row) => {
      const { deck, item } = await this.pictureOf(row, trx);
      const verdict = judge(text, this.compile(deck, item));
      const before = stateOf(row, await playersOf(trx, row.id, caller.userId));
      const tr = reduce(before, { type: 'player.guess', playerId: caller.userId, name: caller.userName, text, verdict }, now);
      const judged = tr.events.find((e) => e.type === 'guess.judged');
      if (!judged || judged.type !== 'guess.judged') return { before, tr };
      if (!(await savePlayer(trx, row.id, before.players[caller.userId], tr.state.players[caller.userId]!))) throw new Conflict();
      if (!(await casIfMoved(trx, before, tr.state))) throw new Conflict();
      await writeGuess(trx, this.guessRecord(caller, before, judged, normalizeGuess(text), now));
      return { before, tr };
    });
  }

  /**
   * No round is running: a correct guess that arrives just after the winner's is still recorded (the player
   * did know it), and the player hears who got there first.
   */
  private async lateGuess(caller: Caller, text: string, now: number): Promise<GuessOutcome> {
    const last = await lastEndedRound(this.db, caller.channelId);
    if (!last || last.end_reason !== 'solved' || last.ended_at === null || now - last.ended_at > LATE_GUESS_MS) {
      throw new UserError('no-round');
    }
    const { deck, item } = await this.pictureOf(last);
    const verdict = judge(text, this.compile(deck, item));
    if (verdict !== 'correct' || last.first_solver_id === caller.userId) return { kind: 'refused', reason: 'ended' };
    const winner = last.first_solver_id
      ? await this.db.selectFrom('players').select('name').where('id', '=', last.first_solver_id).executeTakeFirst()
      : undefined;
    const state = stateOf(last, {});
    const step = Math.min(last.step, STEP_COUNT);
    try {
      await this.db.transaction().execute(async (trx) => {
        await writeGuess(trx, {
          ...this.guessRecord(caller, state, { step, verdict, points: 0, first: false }, normalizeGuess(text), now),
        });
      });
    } catch (err) {
      this.o.log.error({ err, channel: caller.channelId }, 'a late guess could not be committed');
      throw new UserError('not-saved');
    }
    return { kind: 'late', step, winner: winner?.name ?? '' };
  }

  private guessRecord(
    caller: Caller,
    s: RoundState,
    judged: { step: number; verdict: string; points: number; first: boolean },
    textNorm: string,
    at: number,
  ): GuessRecord {
    const c = s.config;
    return {
      roundId: c.id,
      playerId: caller.userId,
      playerName: caller.userName,
      channelId: c.channelId,
      scopeId: c.scopeId,
      deckId: c.deckId,
      itemId: c.itemId,
      mode: c.mode,
      step: judged.step,
      textNorm,
      verdict: judged.verdict,
      points: judged.points,
      first: judged.first,
      win: judged.first && c.mode === 'race',
      at,
    };
  }

  async hint(caller: Caller): Promise<HintOutcome> {
    const row = await runningRoundOf(this.db, caller.channelId);
    if (!row) throw new UserError('no-round');
    return { category: (await this.pictureOf(row)).item.category, step: row.step };
  }

  async skip(caller: Caller): Promise<void> {
    await this.hostInput(caller, { type: 'host.skip' });
  }

  async stop(caller: Caller): Promise<void> {
    await this.hostInput(caller, { type: 'host.stop' });
  }

  private async hostInput(caller: Caller, input: RoundInput): Promise<void> {
    await this.queues.run(caller.channelId, async () => {
      const done = await this.commit(caller.channelId, null, async (trx, row) => {
        const before = stateOf(row, {});
        const tr = reduce(before, input, this.o.clock.now());
        if (!(await casRound(trx, before, tr.state, this.ownerLease()))) throw new Conflict();
        return { before, tr };
      });
      if (!done) throw new UserError('no-round');
      await this.after(done.before, done.tr.state, done.tr);
    });
  }

  /** A step fell due (a local timer, the durable backstop, or recovery): move it on, once, or close a stale round. */
  private async onStepDue(job: StepJob): Promise<void> {
    try {
      // Most backstop jobs find their step already moved by the local timer: a plain read says so,
      // without queueing behind the channel's inputs or taking its lock (a step never moves back).
      // A local timer skips that read: its step is almost always still due, and the transaction reads the round anyway.
      if (!job.local) {
        const current = await roundById(this.db, job.roundId);
        if (!current || current.status !== 'running' || current.step !== job.step) return;
      }
      await this.queues.run(job.channelId, async () => {
        const now = this.o.clock.now();
        const done = await this.commit(job.channelId, job.roundId, async (trx, row) => {
          if (row.step !== job.step) return null;
          const before = stateOf(row, {});
          // A round picked up long after its step fell due (the bot was down) is not finished a day later.
          const stale = row.due_at === null || now - row.due_at > this.resumeWindowMs;
          const tr = reduce(before, stale ? { type: 'round.interrupt' } : { type: 'timer.fired' }, now);
          if (!(await casRound(trx, before, tr.state, this.ownerLease()))) return null;
          return { before, tr };
        });
        if (done) await this.after(done.before, done.tr.state, done.tr, done.row);
      });
    } catch (err) {
      // The round must not hang on a failed write (disk full, a lost connection): try again shortly.
      this.o.log.error({ err, roundId: job.roundId, step: job.step }, 'a round step failed; trying again in 5 s');
      if (!this.closing) {
        await this.scheduler
          .schedule({ ...job, dueAt: this.o.clock.now() + STEP_RETRY_MS })
          .catch((e: unknown) => this.o.log.error({ err: e, roundId: job.roundId }, 'could not schedule the retry'));
      }
    }
  }

  private ownerLease() {
    return { ownerId: this.instanceId, leaseUntil: this.o.clock.now() + this.leaseMs };
  }

  /**
   * One input in one transaction: lock the channel (PostgreSQL), load the running round, decide, write.
   * `decide` throws Conflict when a compare-and-set lost; the whole transaction is then retried.
   * Resolves null when there is no running round (or `decide` found nothing to do).
   */
  private async commit(
    channelId: string,
    roundId: string | null,
    decide: (trx: Transaction<Database>, row: RoundRecord) => Promise<{ before: RoundState; tr: Transition } | null>,
  ): Promise<Committed | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction().execute(async (trx) => {
          await lockChannel(trx, channelId);
          const row = roundId ? await roundById(trx, roundId) : await runningRoundOf(trx, channelId);
          if (!row || row.status !== 'running') return null;
          const out = await decide(trx, row);
          return out ? { row, ...out } : null;
        });
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= 5) throw err;
      }
    }
  }

  /** After a commit: timers, then the public messages through the channel's outbox (awaited, in order). */
  private async after(before: RoundState, state: RoundState, tr: Transition, row?: RoundRecord): Promise<void> {
    const c = state.config;
    // The local timer is set at once; the durable job's insert runs beside the posts rather than before
    // them, so a step is not shown later by a round trip (a crash in between leaves the lease sweep).
    const scheduled: Promise<void>[] = [];
    for (const effect of tr.effects) {
      if (effect.type === 'timer.set') {
        scheduled.push(
          this.scheduler
            .schedule({ roundId: c.id, channelId: c.channelId, step: state.step, dueAt: effect.at })
            .catch((err: unknown) => this.o.log.error({ err, roundId: c.id }, 'could not schedule the next step')),
        );
      } else this.scheduler.cancel(c.id);
    }
    const posts = tr.events.filter((e) => e.type === 'step.revealed' || e.type === 'window.final' || e.type === 'round.ended');
    if (posts.length) {
      await this.outbox.run(c.channelId, async () => {
        for (const event of posts) await this.post(state, event, row);
      });
    }
    await Promise.all(scheduled);
    if (before.status === 'running' && state.status === 'ended') {
      for (const fn of this.endListeners) {
        await fn(state).catch((err: unknown) => this.o.log.error({ err, roundId: c.id }, 'a round-end listener failed'));
      }
    }
  }

  private async post(state: RoundState, event: RoundEvent, row?: RoundRecord): Promise<void> {
    const c = state.config;
    const base = { roundId: c.id, locale: c.locale, mode: c.mode };
    // The recap is owed in the database, and sent from there by whichever instance claims it.
    if (event.type === 'round.ended') return this.sendRecap(c.id);
    if (event.type !== 'step.revealed' && event.type !== 'window.final') return;
    try {
      const step = event.type === 'step.revealed' ? event.step : STEP_COUNT + 1;
      const at = Math.min(step, STEP_COUNT);
      const picture = await this.pictureOf(c);
      const shown = { ...state, step };
      let reply;
      if (isMotion(picture.item)) {
        const motion = await this.motionOf(picture);
        reply = stepReply(shown, { name: motionStepFileName(at), data: motion.steps[at - 1]! }, { frames: motion.means[0]!.length });
      } else {
        const ladder = await this.ladderOf(picture);
        reply = stepReply(shown, { name: stepFileName(at), data: ladder.steps[at - 1]! });
      }
      await this.publish({ ...base, kind: event.type === 'step.revealed' ? 'step' : 'final', step, reply }, row);
    } catch (err) {
      this.o.log.error({ err, roundId: c.id, event: event.type }, 'could not prepare a round update');
    }
  }

  /**
   * Publishes with the round message's reference from the database, and keeps the one the sink returns.
   * `known` is the round as the transition's transaction read it: its reference saves a read per step.
   * Without one there (none yet, or an earlier post of this outbox may have just set it) it is read afresh.
   */
  private async publish(update: Omit<RoundUpdate, 'messageRef'>, known?: RoundRecord): Promise<boolean> {
    const row = known?.message_ref ? known : await roundById(this.db, update.roundId);
    try {
      const ref = await this.o.sink.publish(row?.channel_id ?? '', { ...update, messageRef: row?.message_ref ?? null });
      if (typeof ref === 'string' && ref !== row?.message_ref) {
        const now = await setMessageRef(this.db, update.roundId, ref);
        // The recap went out while this message was being posted (a winner committed on another instance
        // right at the start): the recap could not close a message it did not know, so this one is closed now.
        if (now && now.status !== 'running' && now.announced === 1 && (update.kind === 'step' || update.kind === 'final')) {
          await this.closeMessage(update.roundId, ref);
        }
      }
      return true;
    } catch (err) {
      // A platform failure (missing permission, network) must not break the round or lose its data.
      this.o.log.warn({ err, roundId: update.roundId, kind: update.kind }, 'could not publish a round update');
      return false;
    }
  }

  /**
   * Sends an ended round's recap, rebuilt from the database, if this instance can claim it (another
   * one may be sending it, or it went out already). A failed send (a busy database, a platform error)
   * lets the claim go, and the heartbeat of this or any instance tries again shortly: no recap is lost,
   * and one that was delivered is marked so, and not sent again.
   */
  private async sendRecap(roundId: string): Promise<void> {
    const now = this.o.clock.now();
    let row: RoundRecord | undefined;
    try {
      // Not claimed: sent already, or being sent (or retried later) by another instance, or by this one.
      // The claim returns the round: many rounds ending at once send their recaps with a read fewer each.
      row = await claimRecap(this.db, roundId, this.instanceId, now, now + RECAP_CLAIM_MS);
      if (!row) return;
      const update = await this.recapUpdate(row, 'recap');
      if (update) await this.o.sink.publish(row.channel_id, update);
    } catch (err) {
      this.o.log.warn({ err, roundId }, 'could not send a recap; it will be tried again');
      if (row) this.owedRecaps.set(roundId, row.channel_id);
      await releaseRecap(this.db, roundId, this.instanceId, now + RECAP_RETRY_MS).catch((e: unknown) =>
        this.o.log.warn({ err: e, roundId }, 'could not release a recap claim; it runs out by itself'),
      );
      return;
    }
    this.owedRecaps.delete(roundId);
    let done: Awaited<ReturnType<typeof finishRecap>>;
    for (let attempt = 1; ; attempt++) {
      try {
        done = await finishRecap(this.db, roundId);
        break;
      } catch (err) {
        // Delivered but not marked: the claim running out would send it again, so insist a little.
        if (attempt >= 3) {
          this.o.log.error({ err, roundId }, 'a recap was sent but could not be marked sent');
          return;
        }
      }
    }
    // A round message posted after the recap read its reference (step 1, posted by another instance) keeps its button: close it.
    if (done?.message_ref && done.message_ref !== row.message_ref) await this.closeMessage(roundId, done.message_ref);
  }

  /** The recap of an ended round from its rows; `closed` is the same without pictures, for the round message alone. */
  private async recapUpdate(row: RoundRecord, kind: 'recap' | 'closed'): Promise<RoundUpdate | null> {
    const state = stateOf(row, await playersOf(this.db, row.id));
    const c = state.config;
    const base = { roundId: row.id, locale: c.locale, mode: c.mode, messageRef: row.message_ref, step: Math.min(row.step, STEP_COUNT) };
    let picture: Awaited<ReturnType<GameService['pictureOf']>>;
    try {
      picture = await this.pictureOf(row);
    } catch (err) {
      if (!isUserError(err) || err.code !== 'picture-gone') throw err;
      // No answer to show: an interrupted round's channel still hears that it ended, with every point kept.
      if (kind !== 'recap' || row.status !== 'interrupted') return null;
      return { ...base, kind: 'notice', step: 0, reply: { text: t(c.locale, 'notice.restart') } };
    }
    let strip: Uint8Array | null = null;
    if (kind === 'recap') {
      try {
        strip = picture.image
          ? await this.o.ladders.strip(picture.image, this.ladderOptions(picture.item))
          : await this.o.ladders.stripFile(this.o.decks.imagePath(picture.deck, picture.item), this.ladderOptions(picture.item));
      } catch (err) {
        this.o.log.warn({ err, roundId: row.id }, 'recap strip failed; sending the recap without it');
      }
    }
    return { ...base, kind, reply: recapReply(state, picture.item, strip) };
  }

  /** Puts a round message that appeared after its round's recap in the ended state (best effort). */
  private async closeMessage(roundId: string, ref: string): Promise<void> {
    try {
      const row = await roundById(this.db, roundId);
      const update = row ? await this.recapUpdate({ ...row, message_ref: ref }, 'closed') : null;
      if (row && update) await this.o.sink.publish(row.channel_id, update);
    } catch (err) {
      this.o.log.warn({ err, roundId }, 'could not close a round message posted after its recap');
    }
  }

  /** Sends the owed recaps of the rounds a filter covers (those that ended after `since`, if given). */
  private async sendOwedRecaps(filter: RoundFilter, since?: number): Promise<void> {
    for (const r of await pendingRecaps(this.db, this.o.clock.now(), { platform: filter.platform, since })) {
      if (this.closing) return;
      if (!matches(r, filter)) continue;
      await this.outbox.run(r.channel_id, () => this.sendRecap(r.id));
    }
  }

  /**
   * At start: takes over the rounds whose owner is gone (expired lease), never those of a live instance.
   * A round within the resume window goes on from its due step; an older one is closed as interrupted.
   * Returns the rounds closed; `announceInterrupted` tells their channels once adapters are up.
   */
  async recover(filter: RoundFilter = {}): Promise<InterruptedRound[]> {
    this.sweeps.set(JSON.stringify(filter), filter);
    await this.start();
    const now = this.o.clock.now();
    const closed: InterruptedRound[] = [];
    // On SQLite (processes of one machine), a lease whose holder's process is gone need not run out first:
    // a process restarted after kill -9 goes on at once. A live process's rounds are never touched.
    const dead = isPostgres(this.db) ? [] : (await leasedByOthers(this.db, this.instanceId, now)).filter((r) => ownerIsGone(r.owner_id));
    for (const r of [...dead, ...(await orphanedRounds(this.db, now))]) {
      if (!matches(r, filter)) continue;
      const claimed = dead.includes(r)
        ? await claimFromDead(this.db, r, this.instanceId, now + this.leaseMs)
        : await claimLease(this.db, r, this.instanceId, now, now + this.leaseMs);
      if (!claimed) continue;
      if (r.due_at === null || now - r.due_at > this.resumeWindowMs) {
        const done = await this.commit(r.channel_id, r.id, async (trx, row) => {
          const before = stateOf(row, {});
          const tr = reduce(before, { type: 'round.interrupt' }, now);
          if (!(await casRound(trx, before, tr.state))) return null;
          return { before, tr };
        });
        if (done) {
          closed.push({ id: r.id, channelId: r.channel_id, locale: r.locale, mode: r.mode });
          // The recap (with its scores) tells the channel; if it cannot be delivered now, announceInterrupted will.
          await this.after(done.before, done.tr.state, done.tr);
        }
        continue;
      }
      await this.scheduler.schedule({ roundId: r.id, channelId: r.channel_id, step: r.step, dueAt: r.due_at });
    }
    return closed;
  }

  /**
   * Once the adapters can post: sends every recap still owed in the filter's channels, however old (the
   * heartbeat retries only recent ones), such as those of rounds this start or an earlier one closed as
   * interrupted and could not tell. A recap is marked sent only once delivered, so a failed start loses none.
   */
  async announceInterrupted(filter: RoundFilter = {}): Promise<void> {
    await this.sendOwedRecaps(filter);
  }

  /**
   * Stops taking inputs and hands this instance's rounds on: their leases are released and their due
   * times stay in the database, so another instance (PostgreSQL) or this one restarted within the resume
   * window (SQLite) goes on with them. Each round's channel hears that the round will go on.
   */
  async shutdown(o: { announce?: boolean } = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.heartbeat) this.o.clock.clearTimer(this.heartbeat);
    await this.queues.drain();
    while (this.guessWriter) await this.guessWriter;
    await this.scheduler.stop();
    await this.outbox.drain();
    const mine = await this.db
      .selectFrom('rounds')
      .selectAll()
      .where('owner_id', '=', this.instanceId)
      .where('status', '=', 'running')
      .execute()
      .catch((err: unknown) => {
        this.o.log.error({ err }, 'could not list the rounds to hand over');
        return [];
      });
    await releaseLeases(this.db, this.instanceId).catch((err: unknown) => this.o.log.error({ err }, 'could not release round leases'));
    if (o.announce === false) return;
    for (const r of mine) {
      const locale = r.locale === 'zh' ? 'zh' : 'en';
      await this.publish({
        roundId: r.id,
        kind: 'notice',
        step: r.step,
        reply: { text: t(locale, 'notice.restarting') },
        locale,
        mode: r.mode === 'experiment' ? 'experiment' : 'race',
      });
    }
  }

  /** A round's picture; `db` is the transaction the caller is in (a server deck's picture is read through it). */
  private async pictureOf(
    r: { deck_id: string; item_id: string } | { deckId: string; itemId: string },
    db: Kysely<Database> | Transaction<Database> = this.db,
  ): Promise<{ deck: Deck; item: DeckItem; image?: Uint8Array }> {
    const deckId = 'deck_id' in r ? r.deck_id : r.deckId;
    const itemId = 'item_id' in r ? r.item_id : r.itemId;
    if (this.o.serverDecks && isServerDeckId(deckId)) {
      const found = await this.o.serverDecks.picture(db, deckId, itemId);
      if (!found) throw new UserError('picture-gone');
      return found;
    }
    const deck = this.o.decks.get(deckId);
    const item = deck?.items.find((i) => i.id === itemId);
    if (!deck || !item) throw new UserError('picture-gone');
    return { deck, item };
  }

  private async ladderOf(p: { deck: Deck; item: DeckItem; image?: Uint8Array }): Promise<Ladder> {
    if (p.image) return this.o.ladders.get(p.image, this.ladderOptions(p.item));
    return this.o.ladders.getFile(this.o.decks.imagePath(p.deck, p.item), this.ladderOptions(p.item));
  }

  /** A motion item's ladder: a built-in item's frame files, or a server item's stored animation. */
  private async motionOf(p: { deck: Deck; item: DeckItem; image?: Uint8Array }): Promise<MotionLadder> {
    const sources = p.image ? [p.image] : await Promise.all(this.o.decks.framePaths(p.deck, p.item).map((f) => readFile(f)));
    return this.o.ladders.motion(sources, this.ladderOptions(p.item));
  }

  private ladderOptions(item: DeckItem) {
    return { size: this.o.displaySize ?? 512, focus: item.focus };
  }

  private compile(deck: Deck, item: DeckItem): CompiledAnswers {
    // A server deck changes as hosts add and remove pictures: its answers are compiled afresh.
    if (isServerDeckId(deck.id)) return compileAnswers(item, { rivals: rivalKeys(deck.items) });
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
}

/** A motion item: a built-in one lists its frames; a server deck's is stored as an animation. */
export function isMotion(item: DeckItem & { motion?: boolean }): boolean {
  return (item.frames?.length ?? 0) > 1 || item.motion === true;
}

/**
 * Whether the process that holds a lease is certainly gone: its id names this host and a pid that is
 * not running. Anything unsure (another host, an id without a pid, a pid in use, possibly by another program,
 * or a restarted container's reused pid) counts as alive: then the lease runs out first.
 */
export function ownerIsGone(ownerId: string | null): boolean {
  const m = ownerId ? /^(.+)\/(\d+)\/[0-9a-f-]{36}$/.exec(ownerId) : null;
  if (!m || m[1] !== hostname()) return false;
  try {
    // Signal 0 only asks whether the pid exists. Our own pid counts as alive: tests run several services in one process.
    process.kill(Number(m[2]), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A guess changes the round row only when it made the first solver (or ended the race). */
async function casIfMoved(trx: Transaction<Database>, before: RoundState, after: RoundState): Promise<boolean> {
  if (after.firstSolverId === before.firstSolverId && after.status === before.status) return true;
  return casRound(trx, before, after);
}
