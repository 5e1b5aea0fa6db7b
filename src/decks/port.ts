/**
 * What `/deck` asks of the server decks. Pure types: commands/deck.ts imports only these. Every method
 * checks that the deck belongs to the caller's scope (server or workspace); commands check host rights.
 */
import type { AttachmentRef, Caller, I18nText } from '../core/commands/define.ts';

export interface AddRequest {
  deck: string;
  picture: AttachmentRef;
  answer: string;
  answerZh?: string;
  aliases?: string[];
  category?: string;
  famous?: boolean;
  motion?: boolean;
}

export interface ServerDeckInfo {
  id: string;
  name: I18nText;
  items: number;
}

export interface DeckUsage {
  decks: ServerDeckInfo[];
  bytes: number;
  maxBytes: number;
  maxDecks: number;
}

export interface DeckSheet {
  deck: ServerDeckInfo;
  items: { id: string; answer: I18nText; motion: boolean }[];
  /** A contact sheet: the pictures in a grid, numbered in the order of `items`. */
  sheet: Uint8Array | null;
}

export interface ReportRow {
  deck: string;
  item: string;
  answer: I18nText;
  reports: number;
}

export interface AuditRow {
  at: number;
  actor: string;
  action: string;
  deck: string;
  item: string | null;
}

export interface ServerDeckPort {
  create(caller: Caller, id: string, name: I18nText): Promise<ServerDeckInfo>;
  add(caller: Caller, req: AddRequest): Promise<{ deck: string; item: string; answer: string; count: number }>;
  remove(caller: Caller, deck: string, item: string): Promise<void>;
  list(caller: Caller): Promise<DeckUsage>;
  info(caller: Caller, deck: string): Promise<ServerDeckInfo>;
  delete(caller: Caller, deck: string): Promise<void>;
  show(caller: Caller, deck: string): Promise<DeckSheet>;
  exportZip(caller: Caller, deck: string): Promise<{ name: string; data: Uint8Array }>;
  importZip(caller: Caller, file: AttachmentRef): Promise<ServerDeckInfo>;
  /** Flags the picture of the channel's current or last server-deck round. */
  report(caller: Caller): Promise<{ notified: boolean }>;
  toggleReportChannel(caller: Caller): Promise<{ on: boolean }>;
  reports(caller: Caller): Promise<ReportRow[]>;
  audit(caller: Caller, limit: number): Promise<AuditRow[]>;
}
