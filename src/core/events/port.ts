/** What `/event` talks to (commands import only these types). */
import type { Caller, I18nText } from '../commands/define.ts';
import type { Mode } from '../game/round.ts';
import type { EventStatus } from './event.ts';
import type { Standings } from './standings.ts';

export interface EventCreateRequest {
  name?: string;
  deck?: string;
  rounds?: number;
  mode?: Mode;
  stepSeconds?: number;
  start?: string;
  teams?: number;
  /** Comma-separated item ids, in order. */
  items?: string;
}

/** An event as commands and views see it (no answers: item ids stay out). */
export interface EventView {
  id: string;
  name: string;
  deckId: string;
  deckName: I18nText;
  mode: Mode;
  rounds: number;
  stepSeconds: number;
  teams: number;
  status: EventStatus;
  /** The round running or next (0-based). */
  roundIndex: number;
  startAt: number;
  hostId: string;
  joined: number;
}

/** A line for the host alone (a missing platform permission); a locale key. */
export type EventNote = 'event.note.no-scheduled-event';

export interface EventPort {
  create(caller: Caller, req: EventCreateRequest): Promise<{ event: EventView; notes: EventNote[] }>;
  join(caller: Caller, team?: number): Promise<{ event: EventView; team: number | null }>;
  leave(caller: Caller): Promise<EventView>;
  start(caller: Caller): Promise<EventView>;
  cancel(caller: Caller): Promise<EventView>;
  /** The channel's open event, else its last one. */
  status(caller: Caller): Promise<{ event: EventView; standings: Standings }>;
  /** True when an event runs in the channel (rounds and breaks): /play waits for it. */
  blocksPlay(channelId: string): Promise<boolean>;
}
