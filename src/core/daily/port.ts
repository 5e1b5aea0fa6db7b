/** What the daily challenge offers commands (/daily), implemented by src/runtime/daily-service.ts. */
import type { Caller, I18nText } from '../commands/define.ts';
import type { DailyCurve } from './daily.ts';

export interface DailyToday {
  day: string;
  number: number;
}

export type DailyOutcome =
  /** A step to look at (the first, the next, or where the player left off). */
  | (DailyToday & { kind: 'step'; step: number; guessesLeft: number; image: Uint8Array; resumed: boolean })
  /** A guess that was not it; the play goes on. */
  | (DailyToday & { kind: 'wrong'; close: boolean; step: number; guessesLeft: number })
  /** No guesses left at this step: the player must step on. */
  | (DailyToday & { kind: 'limit'; step: number })
  /** The play is over (just now, or earlier today). The answer is for the player's eyes only. */
  | (DailyToday & {
      kind: 'finished';
      justNow: boolean;
      knownStep: number | null;
      stepsSeen: number;
      share: string;
      answer: I18nText;
      credit: string;
      licence: string;
    });

export interface DailyStats extends DailyToday {
  curve: DailyCurve;
  streak: number;
  knownStep: number | null;
}

export interface DailyPort {
  /** Starts today's play, or shows where it stands. */
  play(caller: Caller): Promise<DailyOutcome>;
  next(caller: Caller): Promise<DailyOutcome>;
  guess(caller: Caller, text: string): Promise<DailyOutcome>;
  /** The share line of today's finished play; null when the player has not finished today. */
  share(caller: Caller): Promise<(DailyToday & { share: string }) | null>;
  /** Today's curve in the caller's server and the caller's streak; null until the caller has finished today. */
  stats(caller: Caller): Promise<DailyStats | null>;
}
