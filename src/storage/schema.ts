import type { Generated } from 'kysely';
import type { DeckTables } from '../decks/schema.ts';

export interface RoundsTable {
  id: string;
  platform: string;
  channel_id: string;
  scope_id: string;
  deck_id: string;
  item_id: string;
  mode: string;
  step_seconds: number;
  host_id: string;
  locale: string;
  /** running | ended | interrupted */
  status: string;
  end_reason: string | null;
  step: number;
  first_solver_id: string | null;
  started_at: number;
  ended_at: number | null;
  /** When the pending step fires (the durable timer); null once ended. */
  due_at: number | null;
  /** The instance that keeps this round's local timer, and until when its lease holds (heartbeat). */
  owner_id: string | null;
  lease_until: number | null;
  /** The round message, as the platform's sink named it (message id; Slack channel and ts), for edits from any instance. */
  message_ref: string | null;
  /** 0 while an ended round's recap is owed to its channel (or, for an interrupted one, the notice); 1 once delivered. */
  announced: Generated<number>;
}

/** A player's state in a round: the guesses used at the current step (limit 3) survive instances and restarts. */
export interface RoundPlayersTable {
  round_id: string;
  player_id: string;
  name: string;
  count_step: number;
  guesses: number;
  solved_step: number | null;
  points: number;
}

export interface GuessesTable {
  id: Generated<number>;
  round_id: string;
  player_id: string;
  channel_id: string;
  scope_id: string;
  deck_id: string;
  item_id: string;
  mode: string;
  step: number;
  /** Normalised guess text only; never the raw message. */
  text_norm: string;
  verdict: string;
  points: number;
  first: number;
  created_at: number;
}

export interface ScoresTable {
  /** channel | server | global */
  scope: string;
  scope_id: string;
  player_id: string;
  points: number;
  wins: number;
  solved: number;
  updated_at: number;
}

export interface PlayersTable {
  id: string;
  name: string;
  updated_at: number;
}

/** The spam guard's window per user (src/storage/rate-limits.ts). */
export interface RateLimitsTable {
  key: string;
  window_start: number;
  hits: number;
}

/** One row per (player, picture): the first encounter, and when the player knew it there. */
export interface RecognitionsTable {
  player_id: string;
  deck_id: string;
  item_id: string;
  /** The first-encounter round, and its server. */
  round_id: string;
  scope_id: string;
  first_step: number;
  first_at: number;
  /** The step of the player's first correct guess in that round; null if they did not know it there. */
  known_step: number | null;
  known_at: number | null;
}

/**
 * Attempts per picture, server of first encounter, outcome and last step seen, over rounds no longer
 * running; kept by triggers (migration 0110). The statistics' curves read it.
 */
export interface RecognitionCountsTable {
  deck_id: string;
  item_id: string;
  scope_id: string;
  /** The recognition step, 0 when the player did not know it in the first-encounter round. */
  known_step: number;
  /** The last step the attempt saw (1..6; 6 once recognised). */
  seen: number;
  n: number;
}

/** Pending forget-me confirmations (src/storage/forget-codes.ts). */
export interface ForgetCodesTable {
  player_id: string;
  code: string;
  expires_at: number;
  tries: number;
}

/** Slack deliveries already handled (see src/storage/slack-events.ts). */
export interface SlackEventsTable {
  /** `ev:<event_id>`, `env:<envelope_id>` or `req:<timestamp>:<signature>`. */
  event_id: string;
  /** Milliseconds since the epoch. */
  seen_at: number;
}

/** A hosted event (/event): see src/core/events/event.ts for its states. */
export interface EventsTable {
  id: string;
  platform: string;
  channel_id: string;
  scope_id: string;
  host_id: string;
  name: string;
  deck_id: string;
  mode: string;
  rounds: number;
  step_seconds: number;
  break_seconds: number;
  teams: number;
  /** JSON array of the item ids, one per round. */
  items: string;
  locale: string;
  /** scheduled | running | break | finished | cancelled */
  status: string;
  round_index: number;
  start_at: number;
  due_at: number | null;
  /** Grows at every transition: writes are compare-and-set on it. */
  seq: number;
  created_at: number;
  ended_at: number | null;
  /** The platform's own record of the event (a Discord scheduled event id, a Slack scheduled message), JSON. */
  platform_ref: string | null;
  /** 1 once the reminders went out. */
  reminded: Generated<number>;
}

export interface EventPlayersTable {
  event_id: string;
  player_id: string;
  name: string;
  team: number | null;
  joined_at: number;
}

export interface EventRoundsTable {
  event_id: string;
  idx: number;
  round_id: string;
  item_id: string;
}

/** A player's daily challenge of one day (src/runtime/daily-service.ts). */
export interface DailyPlaysTable {
  /** YYYY-MM-DD (UTC). */
  day: string;
  player_id: string;
  name: string;
  platform: string;
  channel_id: string;
  scope_id: string;
  locale: string;
  deck_id: string;
  item_id: string;
  step: number;
  guesses_at_step: number;
  known_step: number | null;
  finished: number;
  /** JSON: the play's guesses (normalised text, verdict, step, time), written to `guesses` when it ends. */
  guesses: string;
  version: number;
  started_at: number;
  finished_at: number | null;
  /** 1 once the finished play is in the statistics (after its day: src/storage/daily-record.ts). */
  recorded: number;
}

export interface Database extends DeckTables {
  rounds: RoundsTable;
  recognitions: RecognitionsTable;
  recognition_counts: RecognitionCountsTable;
  guesses: GuessesTable;
  scores: ScoresTable;
  players: PlayersTable;
  round_players: RoundPlayersTable;
  rate_limits: RateLimitsTable;
  forget_codes: ForgetCodesTable;
  slack_events: SlackEventsTable;
  events: EventsTable;
  event_players: EventPlayersTable;
  event_rounds: EventRoundsTable;
  daily_plays: DailyPlaysTable;
  channel_notices: ChannelNoticesTable;
}

export interface ChannelNoticesTable {
  channel_id: string;
  notice: string;
  shown_at: number;
}
