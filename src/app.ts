/**
 * Composition of the bot's services, shared by main.ts and the tests:
 * storage → decks → ladders → game → dispatcher. Adapters are attached by the caller.
 */
import type { Logger } from 'pino';
import { commands as builtInCommands } from '../commands/index.ts';
import type { Config } from './config/config.ts';
import type { Caller, CommandDef, Platform } from './core/commands/define.ts';
import type { DeckPort, ScorePort, Services } from './core/commands/services.ts';
import { leaderboardCard } from './images/cards.ts';
import { podiumCard, eventReportImage } from './images/podium.ts';
import { curveChart } from './images/charts.ts';
import { loadDecks, type DeckCatalog } from './images/decks.ts';
import { LadderCache } from './images/ladder-cache.ts';
import type { Clock } from './runtime/clock.ts';
import { DailyService } from './runtime/daily-service.ts';
import { Dispatcher } from './runtime/dispatch.ts';
import { EventService } from './runtime/event-service.ts';
import { GameService } from './runtime/game-service.ts';
import { SinkRouter } from './runtime/sink.ts';
import { periodRange } from './core/leaderboard/periods.ts';
import { periodLeaderboard } from './storage/period-leaderboard.ts';
import { databaseRateLimiter } from './storage/rate-limits.ts';
import { claimChannelNotice } from './storage/channel-notices.ts';
import { Store } from './storage/store.ts';
import { StatsService } from './stats/service.ts';
import { KnowledgeService } from './knowledge/service.ts';
import { hostRules } from './decks/download.ts';
import { DISCORD_FILE_HOSTS, SLACK_FILE_HOSTS } from './decks/limits.ts';
import { DeckService } from './decks/service.ts';

export interface AppOptions {
  log: Logger;
  clock: Clock;
  databasePath: string;
  /** postgres://… : PostgreSQL instead of the SQLite file at databasePath. */
  databaseUrl?: string;
  decksDir?: string;
  ladderCacheDir?: string | null;
  knowledgeDir?: string;
  defaultDeck?: string;
  stepSeconds?: number;
  displaySize?: number;
  random?: (n: number) => number;
  commands?: CommandDef[];
  rate?: { burst: number; windowMs: number };
  /** See GameServiceOptions.resumeWindowMs. */
  resumeWindowMs?: number;
  /** The break between an event's rounds (default 10 s). */
  eventBreakSeconds?: number;
  /** Server decks: ATTACHMENT_HOSTS, the Slack bot token (Slack files need it), the download deadline. */
  attachmentHosts?: string;
  slackToken?: string;
  downloadTimeoutMs?: number;
  /** LEADERBOARD_TZ: where weeks and months of the period leaderboards begin (default UTC). */
  leaderboardTz?: string;
  /** DAILY_DECKS and DAILY_DATE: the daily challenge's decks, and a day to play instead of today. */
  dailyDecks?: string[];
  dailyDate?: string;
  /** Where plain chat is read as guesses in a race: those channels hear once what is kept of it (Dispatcher). */
  chatGuessPlatforms?: Platform[];
}

export interface App {
  store: Store;
  serverDecks: DeckService;
  decks: DeckCatalog;
  ladders: LadderCache;
  game: GameService;
  events: EventService;
  sinks: SinkRouter;
  dispatcher: Dispatcher;
  services: Services;
  close(): Promise<void>;
}

/** The app's options as the environment configures them (main.ts and each Discord shard). */
export function appOptionsFromConfig(config: Config, log: Logger, clock: Clock): AppOptions {
  return {
    log,
    clock,
    databasePath: config.DATABASE_PATH,
    databaseUrl: config.DATABASE_URL,
    decksDir: config.DECKS_DIR,
    ladderCacheDir: config.LADDER_CACHE_DIR,
    defaultDeck: config.DEFAULT_DECK,
    stepSeconds: config.STEP_SECONDS,
    displaySize: config.DISPLAY_SIZE,
    resumeWindowMs: config.RESUME_WINDOW_SECONDS * 1000,
    attachmentHosts: config.ATTACHMENT_HOSTS,
    slackToken: config.SLACK_BOT_TOKEN,
    leaderboardTz: config.LEADERBOARD_TZ,
    dailyDecks: config.DAILY_DECKS,
    dailyDate: config.DAILY_DATE,
    chatGuessPlatforms: config.DISCORD_MESSAGE_GUESSES ? ['discord', 'slack'] : ['slack'],
  };
}

export async function createApp(o: AppOptions): Promise<App> {
  const store = await Store.open(o.databaseUrl ?? o.databasePath, { log: o.log });
  // pg-boss (and the pg, cron and luxon copies it brings) is loaded only for PostgreSQL.
  const { PgBossScheduler } = o.databaseUrl ? await import('./runtime/pg-boss-scheduler.ts') : { PgBossScheduler: undefined };
  const decks = await loadDecks(o.decksDir);
  const ladders = new LadderCache({ dir: o.ladderCacheDir ?? null, log: o.log });
  const sinks = new SinkRouter();
  const serverDecks = new DeckService({
    db: store.db,
    now: () => o.clock.now(),
    builtInIds: () => decks.list().map((d) => d.id),
    hosts: (caller) => hostRules(o.attachmentHosts, caller.platform === 'discord' ? DISCORD_FILE_HOSTS : caller.platform === 'slack' ? SLACK_FILE_HOSTS : []),
    slackToken: o.slackToken,
    timeoutMs: o.downloadTimeoutMs,
    // Reports reach the hosts as a notice in their report channel, through the platform's sink.
    notify: async (channelId, reply, locale) => {
      await sinks.publish(channelId, { roundId: 'deck-report', kind: 'notice', step: 0, reply, locale, mode: 'race', messageRef: null });
    },
  });
  const game = new GameService({
    serverDecks,
    clock: o.clock,
    store,
    decks,
    ladders,
    sink: sinks,
    log: o.log,
    defaultDeck: o.defaultDeck,
    defaultStepSeconds: o.stepSeconds,
    displaySize: o.displaySize,
    random: o.random,
    resumeWindowMs: o.resumeWindowMs,
    // PostgreSQL: several instances share the rounds, so step timers get a durable backstop any instance runs.
    scheduler:
      o.databaseUrl && PgBossScheduler ? new PgBossScheduler({ connectionString: o.databaseUrl, clock: o.clock, log: o.log }) : undefined,
  });
  const events = new EventService({
    clock: o.clock,
    store,
    decks,
    game,
    sink: sinks,
    log: o.log,
    images: { podium: podiumCard, report: eventReportImage },
    defaultDeck: o.defaultDeck,
    defaultStepSeconds: o.stepSeconds,
    breakSeconds: o.eventBreakSeconds,
    // PostgreSQL: an event's start and breaks are durable jobs too, in a queue of their own.
    scheduler:
      o.databaseUrl && PgBossScheduler
        ? new PgBossScheduler({ connectionString: o.databaseUrl, clock: o.clock, log: o.log, queue: 'emergence-event-timers' })
        : undefined,
  });
  const deckPort: DeckPort = {
    list: () =>
      decks.list().map((d) => ({
        id: d.id,
        name: d.name,
        description: d.description,
        items: d.items.length,
        famous: d.items.filter((i) => i.famous).length,
      })),
  };
  const scores: ScorePort = {
    async leaderboard(caller: Caller, scope, limit) {
      const id = scope === 'channel' ? caller.channelId : caller.scopeId;
      return store.leaderboard(scope, id, limit);
    },
    async periodBoard(caller: Caller, scope, period, limit) {
      const range = periodRange(period, o.clock.now(), o.leaderboardTz ?? 'UTC');
      const id = scope === 'channel' ? caller.channelId : caller.scopeId;
      const rows =
        range.from === null || range.resetsAt === null
          ? await store.leaderboard(scope, id, limit)
          : await periodLeaderboard(store.db, scope, id, { from: range.from, to: range.resetsAt }, limit);
      return { rows, range };
    },
  };
  const stats = new StatsService({ store, decks, clock: o.clock });
  const services: Services = {
    game,
    decks: deckPort,
    scores,
    cards: { leaderboard: leaderboardCard },
    stats,
    privacy: stats,
    charts: { curves: curveChart },
    events,
    serverDecks,
    knowledge: await KnowledgeService.create({ decks, ladders, dir: o.knowledgeDir, log: o.log }),
    daily: new DailyService({
      db: store.db,
      decks,
      ladders,
      clock: o.clock,
      log: o.log,
      deckIds: o.dailyDecks,
      date: o.dailyDate,
      displaySize: o.displaySize,
    }),
  };
  const dispatcher = new Dispatcher({
    commands: o.commands ?? builtInCommands,
    services,
    log: o.log,
    clock: o.clock,
    rate: o.rate,
    limiter: databaseRateLimiter(store.db, o.rate ?? { burst: 8, windowMs: 10_000 }),
    chatNotice: o.chatGuessPlatforms?.length
      ? { platforms: o.chatGuessPlatforms, claim: (channelId, now) => claimChannelNotice(store.db, channelId, 'chat-guesses', now) }
      : undefined,
  });
  let closed = false;
  return {
    store,
    serverDecks,
    decks,
    ladders,
    game,
    events,
    sinks,
    dispatcher,
    services,
    async close() {
      if (closed) return;
      closed = true;
      await events.shutdown();
      await game.shutdown();
      await store.close();
    },
  };
}
