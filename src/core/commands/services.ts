/**
 * The ports commands talk to. Commands import only these types, so `commands/`
 * stays free of storage, platform and clock code.
 */
import type { Verdict } from '../game/judge.ts';
import type { Mode, RefusalReason } from '../game/round.ts';
import type { Period, PeriodRange } from '../leaderboard/periods.ts';
import type { Locale } from '../reply.ts';
import type {
  ChartOptions,
  ChartSeries,
  DeckStats,
  ForgetRequest,
  KnowledgeStats,
  PersonalStats,
  PictureStats,
  PrivacyCounts,
  ServerStats,
} from '../stats/reports.ts';
import type { Caller, I18nText } from './define.ts';
import type { ServerDeckPort } from '../../decks/port.ts';
import type { KnowledgePort } from './knowledge-port.ts';
import type { DailyPort } from '../daily/port.ts';

export interface PlayRequest {
  deck?: string;
  item?: string;
  mode?: Mode;
  stepSeconds?: number;
}

export interface PlayOutcome {
  roundId: string;
  deckId: string;
  deckName: I18nText;
  mode: Mode;
  stepSeconds: number;
}

export type GuessOutcome =
  | { kind: 'judged'; verdict: Verdict; step: number; points: number; first: boolean; mode: Mode; roundEnded: boolean }
  | { kind: 'refused'; reason: RefusalReason }
  /** Right, but just after the round was won: recorded (the player knew it), with the winner's name. */
  | { kind: 'late'; step: number; winner: string };

export interface HintOutcome {
  category: I18nText;
  step: number;
}

export interface GamePort {
  play(caller: Caller, req: PlayRequest): Promise<PlayOutcome>;
  guess(caller: Caller, text: string): Promise<GuessOutcome>;
  hint(caller: Caller): Promise<HintOutcome>;
  skip(caller: Caller): Promise<void>;
  stop(caller: Caller): Promise<void>;
}

export interface DeckSummary {
  id: string;
  name: I18nText;
  description: I18nText;
  items: number;
  famous: number;
}

export interface DeckPort {
  list(): DeckSummary[];
}

export type LeaderboardScope = 'channel' | 'server' | 'global';

export interface LeaderboardEntry {
  name: string;
  points: number;
  wins: number;
  solved: number;
}

export interface ScorePort {
  leaderboard(caller: Caller, scope: LeaderboardScope, limit: number): Promise<LeaderboardEntry[]>;
  /** The board of the current week or month (the clock and LEADERBOARD_TZ decide which), with when it resets. */
  periodBoard?(caller: Caller, scope: LeaderboardScope, period: Period, limit: number): Promise<PeriodBoard>;
}

export interface PeriodBoard {
  rows: LeaderboardEntry[];
  range: PeriodRange;
}

export interface Services {
  game: GamePort;
  decks: DeckPort;
  scores: ScorePort;
  /** Renders optional images (e.g. the leaderboard card); absent in pure tests. */
  cards?: CardPort;
  /** Emergence statistics (/stats). */
  stats?: StatsPort;
  /** The player's data (/privacy). */
  privacy?: PrivacyPort;
  /** Renders the statistics charts; absent in pure tests. */
  charts?: ChartPort;
  /** The article's knowledge base (/explain). */
  knowledge?: KnowledgePort;
  /** The daily challenge (/daily). */
  daily?: DailyPort;
  /** The server's own decks (/deck). */
  serverDecks?: ServerDeckPort;
  defaultLocale?: Locale;
}

export interface CardPort {
  leaderboard(title: string, rows: LeaderboardEntry[]): Promise<Uint8Array>;
}

/** Emergence statistics measured from real play (see src/core/stats/figures.ts for the definitions). */
export interface StatsPort {
  /** `target`: an item id, `deck/item`, or the picture's English or Chinese name. */
  picture(caller: Caller, target: string): Promise<PictureStats>;
  deck(caller: Caller, deckId: string): Promise<DeckStats>;
  me(caller: Caller): Promise<PersonalStats>;
  server(caller: Caller): Promise<ServerStats>;
  knowledge(caller: Caller): Promise<KnowledgeStats>;
  /** Autocomplete for /stats targets: pictures and decks. */
  targets(caller: Caller, partial: string): Promise<{ value: string; label: string }[]>;
}

/** A player's data: what is kept, and forgetting it after a confirmation. */
export interface PrivacyPort {
  counts(caller: Caller): Promise<PrivacyCounts>;
  /** Starts a forget-me: returns a short code the same player must send back within `minutes`. */
  requestForget(caller: Caller): Promise<ForgetRequest>;
  /** Deletes the player's guesses and scores everywhere if `code` is the one just issued to them. */
  confirmForget(caller: Caller, code: string): Promise<PrivacyCounts>;
}

export interface ChartPort {
  /** A line chart of emergence curves (share recognised by step), axis labels in `locale`. */
  curves(locale: Locale, title: string, series: ChartSeries[], opts?: ChartOptions): Promise<Uint8Array>;
}
