/**
 * The ports commands talk to. Commands import only these types, so `commands/`
 * stays free of storage, platform and clock code.
 */
import type { Verdict } from '../game/judge.ts';
import type { Mode, RefusalReason } from '../game/round.ts';
import type { Locale } from '../reply.ts';
import type { Caller, I18nText } from './define.ts';

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
  | { kind: 'refused'; reason: RefusalReason };

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
}

export interface Services {
  game: GamePort;
  decks: DeckPort;
  scores: ScorePort;
  /** Renders optional images (e.g. the leaderboard card); absent in pure tests. */
  cards?: CardPort;
  defaultLocale?: Locale;
}

export interface CardPort {
  leaderboard(title: string, rows: LeaderboardEntry[]): Promise<Uint8Array>;
}
