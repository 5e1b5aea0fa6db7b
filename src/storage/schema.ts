import type { Generated } from 'kysely';

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

export interface Database {
  rounds: RoundsTable;
  guesses: GuessesTable;
  scores: ScoresTable;
  players: PlayersTable;
}
