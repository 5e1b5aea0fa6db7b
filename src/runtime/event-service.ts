/**
 * Runs hosted events (/event). An event's state lives in its `events` row; every input (a host's start
 * or cancel, the event's timer, the end of one of its rounds) is one transaction that loads the row,
 * lets the pure engine (src/core/events/event.ts) decide, and writes with compare-and-set on `seq`.
 * The effects run after the commit, only on the instance that won it: rounds start through the game
 * service (so they are ordinary durable rounds), timers go to the same kind of scheduler as the steps
 * (local timers, plus pg-boss jobs on PostgreSQL), and messages go through the round sink.
 * A restart loses nothing: `recover` re-arms the timers and finishes what a crash left half done.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Caller } from '../core/commands/define.ts';
import { UserError, isUserError } from '../core/errors.ts';
import {
  DEFAULT_BREAK_SECONDS,
  DEFAULT_ROUNDS,
  MAX_ROUNDS,
  MAX_TEAMS,
  MIN_ROUNDS,
  REMINDER_MS,
  START_NOW_DELAY_MS,
  createEvent,
  estimatedDurationMs,
  isOpen,
  reduceEvent,
  type EventConfig,
  type EventInput,
  type EventState,
  type EventTransition,
} from '../core/events/event.ts';
import { drawItems } from '../core/events/draw.ts';
import type { EventCreateRequest, EventNote, EventPort, EventView } from '../core/events/port.ts';
import { eventReport, type EventReport, type EventRoundResult } from '../core/events/report.ts';
import { smallestTeam, standingsOf, type Standings } from '../core/events/standings.ts';
import { parseStart } from '../core/events/start-time.ts';
import { DEFAULT_STEP_SECONDS, STEP_COUNT, clampStepSeconds, type RoundState } from '../core/game/round.ts';
import { plainText, sanitizeUserText, type Locale, type Reply } from '../core/reply.ts';
import type { DeckCatalog } from '../images/decks.ts';
import {
  casEvent,
  claimReminder,
  eventById,
  eventOfRound,
  eventPlayers,
  eventPoints,
  eventRounds,
  eventStateOf,
  insertEvent,
  lastEventOf,
  linkRound,
  openEventOf,
  openEvents,
  removePlayer,
  setPlatformRef,
  upsertPlayer,
  type EventRecord,
} from '../storage/events.ts';
import { lockChannel, playersOf, roundById } from '../storage/rounds.ts';
import type { Database } from '../storage/schema.ts';
import type { Store } from '../storage/store.ts';
import { pictureAttempts } from '../stats/queries.ts';
import { breakReply, finalReplies, reminderReply, summaryLine, waitingReply, type EventImages } from '../views/events.ts';
import { platformOf } from '../views/i18n.ts';
import type { Clock } from './clock.ts';
import type { GameService } from './game-service.ts';
import { LocalScheduler, type StepJob, type StepScheduler } from './scheduler.ts';
import type { RoundSink } from './sink.ts';

/** What a platform knows of an event, for its own calendar and reminders. */
export interface PlatformEvent {
  id: string;
  channelId: string;
  scopeId: string;
  hostId: string;
  name: string;
  startAt: number;
  /** An estimate: every step of every round, and the breaks. */
  endAt: number;
  locale: Locale;
  /** One line on the deck, rounds and mode, plain text in the event's language (a calendar's description). */
  summary: string;
}

/** What `scheduled` gets besides the event: the channel reminder, and when it is due (null: too late for one). */
export interface PlatformSchedule {
  reminder: Reply;
  reminderAt: number | null;
}

/**
 * A platform's own side of events: Discord's scheduled events, Slack's scheduled reminder, direct
 * messages. Every method is optional and best effort: a failure is logged, the event goes on.
 */
export interface EventPlatform {
  /** The event was created with a future start: returns a reference to keep (JSON), and notes for the host. */
  scheduled?(ev: PlatformEvent, o: PlatformSchedule): Promise<{ ref?: string | null; notes?: EventNote[] }>;
  started?(ev: PlatformEvent, ref: string | null): Promise<void>;
  finished?(ev: PlatformEvent, ref: string | null): Promise<void>;
  /** `wasRunning`: cancelled after it had started (a calendar entry that is live cannot be "cancelled", only ended). */
  cancelled?(ev: PlatformEvent, ref: string | null, o: { wasRunning: boolean }): Promise<void>;
  /** Sends `reply` to each player privately; a player who cannot be reached is skipped. */
  remind?(ev: PlatformEvent, playerIds: string[], reply: Reply): Promise<void>;
}

export interface EventServiceOptions {
  clock: Clock;
  store: Store;
  decks: DeckCatalog;
  game: GameService;
  sink: RoundSink;
  log: Logger;
  images?: EventImages;
  defaultDeck?: string;
  defaultStepSeconds?: number;
  breakSeconds?: number;
  scheduler?: StepScheduler;
}

const REMIND = ':remind';

export class EventService implements EventPort {
  private readonly scheduler: StepScheduler;
  private readonly platforms = new Map<string, EventPlatform>();
  /** Channels with an open event that this instance runs: the terminal waits for them (a cache, never the truth). */
  private readonly active = new Set<string>();
  private started = false;
  private closing = false;

  constructor(private readonly o: EventServiceOptions) {
    this.scheduler = o.scheduler ?? new LocalScheduler(o.clock);
    o.game.onRoundEnded((s) => this.onRoundEnded(s));
  }

  private get db(): Kysely<Database> {
    return this.o.store.db;
  }

  registerPlatform(platform: string, p: EventPlatform): void {
    this.platforms.set(platform, p);
  }

  isActive(channelId: string): boolean {
    return this.active.has(channelId);
  }

  async shutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.scheduler.stop();
    this.active.clear();
  }

  // ── commands ──────────────────────────────────────────────────────────────────────────────

  async create(caller: Caller, req: EventCreateRequest): Promise<{ event: EventView; notes: EventNote[] }> {
    if (this.closing) throw new UserError('shutting-down');
    await this.startWorker();
    const now = this.o.clock.now();
    const deckId = req.deck ?? this.o.defaultDeck ?? 'masterpieces';
    const deck = this.o.decks.get(deckId);
    if (!deck) throw new UserError('unknown-deck', { deck: deckId, decks: this.o.decks.list().map((d) => d.id).join(', ') });
    const teams = req.teams ?? 0;
    if (teams !== 0 && (teams < 2 || teams > MAX_TEAMS)) throw new UserError('event-bad-teams');
    const listed = (req.items ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const id of listed) if (!deck.items.some((i) => i.id === id)) throw new UserError('unknown-item', { deck: deck.id, item: id });
    if (new Set(listed).size !== listed.length) throw new UserError('event-repeat-item');
    const rounds = req.rounds ?? (listed.length || DEFAULT_ROUNDS);
    if (rounds < MIN_ROUNDS || rounds > MAX_ROUNDS) throw new UserError('out-of-range', { option: 'rounds', min: MIN_ROUNDS, max: MAX_ROUNDS });
    if (rounds > deck.items.length) throw new UserError('event-too-many-rounds', { deck: deck.id, max: deck.items.length });
    const id = randomUUID();
    // The listed pictures first, in order; the rest drawn from the others, without repeats.
    const rest = drawItems(deck.items.map((i) => i.id).filter((i) => !listed.includes(i)), rounds - Math.min(rounds, listed.length), id);
    const items = [...listed.slice(0, rounds), ...rest];
    let startAt = parseStart(req.start, now);
    // Only an event that starts later goes into the platform's calendar.
    const later = startAt - now > START_NOW_DELAY_MS;
    // "Now" leaves a moment to read the announcement and press Join.
    if (startAt - now < START_NOW_DELAY_MS) startAt = now + START_NOW_DELAY_MS;
    const stepSeconds = req.stepSeconds !== undefined ? clampStepSeconds(req.stepSeconds) : (this.o.defaultStepSeconds ?? DEFAULT_STEP_SECONDS);
    const name = sanitizeUserText(req.name ?? '', 80) || deck.name[caller.locale] || deck.name.en;
    const config: EventConfig = {
      id,
      channelId: caller.channelId,
      scopeId: caller.scopeId,
      hostId: caller.userId,
      name,
      deckId: deck.id,
      mode: req.mode ?? 'race',
      rounds,
      stepSeconds,
      teams,
      items,
      startAt,
      breakSeconds: this.o.breakSeconds ?? DEFAULT_BREAK_SECONDS,
      locale: caller.locale,
    };
    const tr = createEvent(config, now);
    try {
      await this.db.transaction().execute(async (trx) => {
        await lockChannel(trx, caller.channelId);
        if (await openEventOf(trx, caller.channelId)) throw new UserError('event-exists');
        await insertEvent(trx, tr.state, caller.platform, now);
      });
    } catch (err) {
      // Two hosts at once: the unique index refuses the second.
      if (isUserError(err) || !(await openEventOf(this.db, caller.channelId))) throw err;
      throw new UserError('event-exists');
    }
    this.active.add(caller.channelId);
    await this.apply(tr.state, tr);
    const notes: EventNote[] = [];
    const platform = this.platforms.get(caller.platform);
    if (later && platform?.scheduled) {
      try {
        const view = await this.viewOf(tr.state);
        const out = await platform.scheduled(this.platformEvent(tr.state), {
          reminder: reminderReply(this.audience(tr.state), view),
          reminderAt: startAt - REMINDER_MS > now ? startAt - REMINDER_MS : null,
        });
        if (out.ref) await setPlatformRef(this.db, id, out.ref);
        notes.push(...(out.notes ?? []));
      } catch (err) {
        this.o.log.warn({ err, eventId: id }, 'could not schedule the event on the platform');
      }
    }
    if (startAt - REMINDER_MS > now) {
      await this.scheduler.schedule({ roundId: id + REMIND, channelId: caller.channelId, step: 0, dueAt: startAt - REMINDER_MS });
    }
    return { event: await this.viewOf(tr.state), notes };
  }

  async join(caller: Caller, team?: number): Promise<{ event: EventView; team: number | null }> {
    const row = await openEventOf(this.db, caller.channelId);
    if (!row) throw new UserError('no-event');
    const s = eventStateOf(row);
    let chosen: number | null = null;
    if (s.config.teams === 0) {
      if (team !== undefined) throw new UserError('event-no-teams');
    } else if (team !== undefined) {
      if (team < 1 || team > s.config.teams) throw new UserError('event-bad-team', { teams: s.config.teams });
      chosen = team;
    } else {
      const players = await eventPlayers(this.db, row.id);
      const mine = players.find((p) => p.player_id === caller.userId);
      if (mine?.team) chosen = mine.team;
      else {
        const counts = new Map<number, number>();
        for (const p of players) if (p.team) counts.set(p.team, (counts.get(p.team) ?? 0) + 1);
        chosen = smallestTeam(counts, s.config.teams);
      }
    }
    await upsertPlayer(this.db, row.id, { id: caller.userId, name: caller.userName, team: chosen }, this.o.clock.now());
    return { event: await this.viewOf(s), team: chosen };
  }

  async leave(caller: Caller): Promise<EventView> {
    const row = await openEventOf(this.db, caller.channelId);
    if (!row) throw new UserError('no-event');
    if (!(await removePlayer(this.db, row.id, caller.userId))) throw new UserError('event-not-joined');
    return this.viewOf(eventStateOf(row));
  }

  async start(caller: Caller): Promise<EventView> {
    await this.startWorker();
    const row = await this.hostEvent(caller);
    if (row.status !== 'scheduled') throw new UserError('event-already-started');
    const done = await this.commit(row.id, { type: 'host.start' });
    if (!done) throw new UserError('event-already-started');
    return this.viewOf(done);
  }

  async cancel(caller: Caller): Promise<EventView> {
    await this.startWorker();
    const row = await this.hostEvent(caller);
    const done = await this.commit(row.id, { type: 'host.cancel' });
    if (!done) throw new UserError('no-event');
    return this.viewOf(done);
  }

  async status(caller: Caller): Promise<{ event: EventView; standings: Standings }> {
    const row = (await openEventOf(this.db, caller.channelId)) ?? (await lastEventOf(this.db, caller.channelId));
    if (!row) throw new UserError('no-event');
    const s = eventStateOf(row);
    return { event: await this.viewOf(s), standings: standingsOf(await eventPoints(this.db, row.id), s.config.teams) };
  }

  async blocksPlay(channelId: string): Promise<boolean> {
    const row = await openEventOf(this.db, channelId);
    return row !== undefined && row.status !== 'scheduled';
  }

  /** The event's report (tests, the CLI): figures from the rounds' rows and everyone's first encounters. */
  async report(eventId: string): Promise<EventReport> {
    const row = await eventById(this.db, eventId);
    if (!row) throw new UserError('no-event');
    const results: EventRoundResult[] = [];
    for (const r of await eventRounds(this.db, eventId)) {
      const round = await roundById(this.db, r.round_id);
      if (!round || round.status === 'running') continue;
      const players = Object.values(await playersOf(this.db, r.round_id));
      results.push({
        index: r.idx,
        deckId: round.deck_id,
        itemId: r.item_id,
        seen: Math.min(round.step, STEP_COUNT),
        players: players.map((p) => ({ solvedStep: p.solvedStep ?? null })),
      });
    }
    const allTime = [];
    for (const r of results) allTime.push(await pictureAttempts(this.db, r.deckId, r.itemId));
    return eventReport(results, allTime);
  }

  // ── the machine ───────────────────────────────────────────────────────────────────────────

  private async startWorker(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.scheduler.start((job) => this.onDue(job));
  }

  /** The caller's channel's open event, if the caller may run it (a host, or the one who created it). */
  private async hostEvent(caller: Caller): Promise<EventRecord> {
    const row = await openEventOf(this.db, caller.channelId);
    if (!row) throw new UserError('no-event');
    if (!caller.isHost && caller.userId !== row.host_id) throw new UserError('not-host');
    return row;
  }

  /** One input in one transaction; null when it changed nothing (or another instance got there first). */
  private async commit(eventId: string, input: EventInput, expectSeq?: number): Promise<EventState | null> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const now = this.o.clock.now();
      const out = await this.db.transaction().execute(async (trx) => {
        const row = await eventById(trx, eventId);
        if (!row) return null;
        await lockChannel(trx, row.channel_id);
        const before = eventStateOf(row);
        if (expectSeq !== undefined && before.seq !== expectSeq) return null;
        const tr = reduceEvent(before, input, now);
        if (tr.state === before) return null;
        if (!(await casEvent(trx, before, tr.state))) return 'conflict' as const;
        return { before, tr };
      });
      if (out === 'conflict') {
        if (expectSeq !== undefined) return null;
        continue;
      }
      if (!out) return null;
      await this.apply(out.tr.state, out.tr);
      return out.tr.state;
    }
    return null;
  }

  /** After a commit: timers, rounds, messages, the platform's calendar. */
  private async apply(state: EventState, tr: EventTransition): Promise<void> {
    const c = state.config;
    if (isOpen(state.status)) this.active.add(c.channelId);
    else this.active.delete(c.channelId);
    for (const e of tr.effects) {
      if (e.type === 'timer.set') await this.schedule(state, e.at);
      else if (e.type === 'timer.clear') this.scheduler.cancel(c.id);
    }
    for (const ev of tr.events) {
      switch (ev.type) {
        case 'event.started':
          this.scheduler.cancel(c.id + REMIND);
          await claimReminder(this.db, c.id);
          await this.platformCall(state, 'started');
          break;
        case 'break.started':
          await this.post(state, breakReply(this.audience(state), await this.viewOf(state), await this.standings(state), ev.until));
          break;
        case 'round.waiting':
          await this.post(state, waitingReply(this.audience(state)));
          break;
        case 'event.finished':
          await this.finish(state);
          await this.platformCall(state, 'finished');
          break;
        case 'event.cancelled':
          this.scheduler.cancel(c.id + REMIND);
          await claimReminder(this.db, c.id);
          await this.platformCall(state, 'cancelled', ev.wasRunning);
          break;
        default:
          break;
      }
    }
    for (const e of tr.effects) {
      if (e.type === 'round.start') await this.startRound(state, e.index, e.itemId);
      else if (e.type === 'round.stop') {
        // The round may have ended on its own meanwhile; anything else is worth a line.
        await this.o.game.stop(this.hostCaller(state)).catch((err: unknown) => {
          if (!isUserError(err)) this.o.log.warn({ err, eventId: state.config.id }, 'could not stop the event’s round');
        });
      }
    }
  }

  private async schedule(state: EventState, at: number): Promise<void> {
    await this.scheduler
      .schedule({ roundId: state.config.id, channelId: state.config.channelId, step: state.seq, dueAt: at })
      .catch((err: unknown) => this.o.log.error({ err, eventId: state.config.id }, 'could not schedule the event'));
  }

  private async startRound(state: EventState, index: number, itemId: string): Promise<void> {
    const c = state.config;
    try {
      const out = await this.o.game.play(this.hostCaller(state), { deck: c.deckId, item: itemId, mode: c.mode, stepSeconds: c.stepSeconds });
      await linkRound(this.db, c.id, index, out.roundId, itemId);
    } catch (err) {
      if (isUserError(err) && err.code === 'round-running') {
        await this.commit(c.id, { type: 'round.blocked', index });
        return;
      }
      // A picture that cannot be shown (deck changed since): the event skips it rather than stall.
      this.o.log.error({ err, eventId: c.id, index }, 'an event round could not start; skipping it');
      await this.commit(c.id, { type: 'round.ended', index });
    }
  }

  private async onRoundEnded(round: RoundState): Promise<void> {
    const link = await eventOfRound(this.db, round.config.id);
    if (!link) return;
    await this.commit(link.event_id, { type: 'round.ended', index: link.idx });
  }

  private async onDue(job: StepJob): Promise<void> {
    if (this.closing) return;
    try {
      if (job.roundId.endsWith(REMIND)) await this.remind(job.roundId.slice(0, -REMIND.length));
      else await this.commit(job.roundId, { type: 'timer.fired' }, job.step);
    } catch (err) {
      this.o.log.error({ err, eventId: job.roundId }, 'an event timer failed; trying again in 5 s');
      await this.scheduler
        .schedule({ ...job, dueAt: this.o.clock.now() + 5_000 })
        .catch((e: unknown) => this.o.log.error({ err: e, eventId: job.roundId }, 'could not schedule the event timer again'));
    }
  }

  private async remind(eventId: string): Promise<void> {
    const row = await eventById(this.db, eventId);
    if (!row || row.status !== 'scheduled') return;
    if (!(await claimReminder(this.db, eventId))) return;
    const state = eventStateOf(row);
    const players = (await eventPlayers(this.db, eventId)).map((p) => p.player_id);
    const platform = this.platforms.get(row.platform);
    if (!platform?.remind || players.length === 0) return;
    await platform
      .remind(this.platformEvent(state), players, reminderReply(this.audience(state), await this.viewOf(state)))
      .catch((err: unknown) => this.o.log.warn({ err, eventId }, 'could not send the reminders'));
  }

  private async finish(state: EventState): Promise<void> {
    const standings = await this.standings(state);
    const report = await this.report(state.config.id);
    const names = new Map<string, string>();
    for (const p of report.pictures) {
      const item = this.o.decks.get(p.deckId)?.items.find((i) => i.id === p.itemId);
      names.set(`${p.deckId}/${p.itemId}`, item ? item.answers[state.config.locale] : p.itemId);
    }
    const replies = await finalReplies(this.audience(state), await this.viewOf(state), standings, report, names, this.o.images);
    for (const r of replies) await this.post(state, r);
  }

  private async standings(state: EventState): Promise<Standings> {
    return standingsOf(await eventPoints(this.db, state.config.id), state.config.teams);
  }

  private async post(state: EventState, reply: Reply): Promise<void> {
    const c = state.config;
    try {
      await this.o.sink.publish(c.channelId, { roundId: c.id, kind: 'notice', step: 0, reply, locale: c.locale, mode: c.mode, messageRef: null });
    } catch (err) {
      this.o.log.warn({ err, eventId: c.id }, 'could not post an event message');
    }
  }

  private async platformCall(state: EventState, what: 'started' | 'finished' | 'cancelled', wasRunning = false): Promise<void> {
    const platform = this.platforms.get(platformOf(state.config.channelId));
    const fn = platform?.[what];
    if (!fn) return;
    const row = await eventById(this.db, state.config.id);
    await fn.call(platform, this.platformEvent(state), row?.platform_ref ?? null, { wasRunning }).catch((err: unknown) =>
      this.o.log.warn({ err, eventId: state.config.id, what }, 'could not update the event on the platform'),
    );
  }

  private platformEvent(s: EventState): PlatformEvent {
    const c = s.config;
    return {
      id: c.id,
      channelId: c.channelId,
      scopeId: c.scopeId,
      hostId: c.hostId,
      name: c.name,
      startAt: c.startAt,
      endAt: c.startAt + estimatedDurationMs(c),
      locale: c.locale,
      summary: plainText(summaryLine(this.audience(s), { deckName: this.o.decks.get(c.deckId)?.name ?? { en: c.deckId, zh: c.deckId }, rounds: c.rounds, mode: c.mode, stepSeconds: c.stepSeconds })),
    };
  }

  private hostCaller(s: EventState): Caller {
    const c = s.config;
    return { platform: platformOf(c.channelId), userId: c.hostId, userName: 'host', locale: c.locale, isHost: true, channelId: c.channelId, scopeId: c.scopeId };
  }

  private audience(s: EventState) {
    return { locale: s.config.locale, platform: platformOf(s.config.channelId) };
  }

  private async viewOf(s: EventState): Promise<EventView> {
    const c = s.config;
    const deck = this.o.decks.get(c.deckId);
    const joined = await this.db
      .selectFrom('event_players')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('event_id', '=', c.id)
      .executeTakeFirst();
    return {
      id: c.id,
      name: c.name,
      deckId: c.deckId,
      deckName: deck?.name ?? { en: c.deckId, zh: c.deckId },
      mode: c.mode,
      rounds: c.rounds,
      stepSeconds: c.stepSeconds,
      teams: c.teams,
      status: s.status,
      roundIndex: s.roundIndex,
      startAt: c.startAt,
      hostId: c.hostId,
      joined: Number(joined?.n ?? 0),
    };
  }

  /**
   * At start (and after a restart): re-arms the timers of open events, and finishes what a crash left
   * half done (an event whose round ended, or never started, while no process was there to see it).
   */
  async recover(filter: { platform?: string; scopeIds?: readonly string[] } = {}): Promise<void> {
    await this.startWorker();
    const now = this.o.clock.now();
    for (const row of await openEvents(this.db, filter.platform)) {
      if (filter.scopeIds && !filter.scopeIds.includes(row.scope_id)) continue;
      const s = eventStateOf(row);
      this.active.add(row.channel_id);
      if (row.status === 'scheduled' && row.reminded === 0 && s.config.startAt - REMINDER_MS > now) {
        await this.scheduler.schedule({ roundId: row.id + REMIND, channelId: row.channel_id, step: 0, dueAt: s.config.startAt - REMINDER_MS });
      }
      if (row.status !== 'running') {
        if (s.dueAt !== null) await this.schedule(s, s.dueAt);
        continue;
      }
      const link = (await eventRounds(this.db, row.id)).find((r) => r.idx === s.roundIndex);
      if (!link) {
        await this.startRound(s, s.roundIndex, s.config.items[s.roundIndex]!);
        continue;
      }
      const round = await roundById(this.db, link.round_id);
      if (!round || round.status !== 'running') await this.commit(row.id, { type: 'round.ended', index: s.roundIndex });
    }
  }
}
