/**
 * What the statistics service hands to the views: plain data, no I/O.
 * Figures and their definitions: ./figures.ts.
 */
import type { I18nText } from '../commands/define.ts';
import type { Curve, PersonalFigures, WrongGuess } from './figures.ts';

export interface PictureRef {
  deckId: string;
  itemId: string;
  /** The picture's answer (it is named by whoever asks for its statistics). */
  name: I18nText;
  deckName: I18nText;
  famous: boolean;
  category: I18nText;
}

export interface PictureStats {
  picture: PictureRef;
  /** Every server and workspace together. */
  everywhere: Curve;
  /** The caller's server or workspace only (attempts whose first encounter was there). */
  here: Curve;
  /** How many servers or workspaces the attempts came from. */
  servers: number;
  /** Up to three most common wrong guesses per step, step by step. */
  wrong: WrongGuess[];
}

export interface PictureCurves {
  picture: PictureRef;
  everywhere: Curve;
  here: Curve;
}

export interface DeckStats {
  deckId: string;
  name: I18nText;
  /** The deck's pictures that have attempts, by threshold (earliest first), then by attempts. */
  pictures: PictureCurves[];
  /** Pictures of the deck nobody has met yet. */
  unplayed: number;
}

export interface ServerStats {
  /** Rounds played here (ended or interrupted). */
  rounds: number;
  /** Distinct players who guessed here. */
  players: number;
  guesses: number;
  /** The pictures with the most attempts here (at most 10). */
  pictures: PictureCurves[];
  /** Pictures with at least one attempt here. */
  pictureCount: number;
}

export type KnowledgeGroupId = 'famous' | 'less-known' | 'flags' | 'paintings';

export interface KnowledgeGroup {
  id: KnowledgeGroupId;
  /** Pictures in the group that have attempts. */
  pictures: number;
  /** All the group's attempts pooled. */
  curve: Curve;
}

/** The knowledge effect: famous beside less-known pictures, flags beside paintings. */
export interface KnowledgeStats {
  groups: KnowledgeGroup[];
}

export type PersonalStats = PersonalFigures;

export interface ChartSeries {
  label: string;
  /** Share (0..1) by step, six values. */
  share: readonly number[];
}

export interface ChartOptions {
  /** Draws a dashed marker at this step (the threshold). */
  threshold?: number | null;
}

/** What the player's data amounts to, for /privacy. */
export interface PrivacyCounts {
  guesses: number;
  /** Score rows (channel, server and global boards). */
  scores: number;
  /** Rounds that name the player (as host or first solver). */
  rounds: number;
}

export interface ForgetRequest {
  /** The code the player types (or the button sends) to confirm. */
  code: string;
  minutes: number;
  counts: PrivacyCounts;
}
