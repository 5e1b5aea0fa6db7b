import type { Generated } from 'kysely';

/** A server's (Discord guild's, Slack workspace's) own deck. Only that scope sees or plays it. */
export interface ServerDecksTable {
  /** Random uuid: rounds name the deck as `server:<id>`, never by its slug, which another server may reuse. */
  id: string;
  scope_id: string;
  slug: string;
  name_en: string;
  name_zh: string;
  created_by: string;
  created_at: number;
}

/** One picture of a server deck: its answers and the normalised picture itself (WebP bytes, no metadata). */
export interface ServerDeckItemsTable {
  id: string;
  deck_id: string;
  item_id: string;
  answer_en: string;
  answer_zh: string;
  /** JSON array of strings. */
  aliases: string;
  category_en: string;
  category_zh: string;
  famous: number;
  /** 1 for a motion item: `image` is an animated WebP of 2-8 frames. */
  motion: number;
  frames: number;
  width: number;
  height: number;
  bytes: number;
  /** sha256 (hex) of the stored picture, for the blocklist and exports. */
  sha256: string;
  image: Uint8Array;
  created_by: string;
  created_at: number;
}

/** Who added, removed, deleted or reported what, and when. forget-me anonymises `actor_id`/`actor_name`. */
export interface DeckAuditTable {
  id: Generated<number>;
  scope_id: string;
  actor_id: string;
  actor_name: string;
  action: string;
  deck_slug: string;
  item_id: string | null;
  detail: string | null;
  at: number;
}

/** A player's flag on a server-deck picture, for that server's hosts. */
export interface DeckReportsTable {
  id: Generated<number>;
  scope_id: string;
  deck_id: string;
  item_id: string;
  round_id: string | null;
  reporter_id: string;
  /** open | removed | dismissed */
  status: string;
  at: number;
}

/** Operator-managed content hashes (sha256 hex of the uploaded bytes or the normalised picture) that are refused. */
export interface ImageBlocklistTable {
  sha256: string;
  note: string;
  added_at: number;
}

/** Per server: the channel where reports are posted for the hosts (null: none). */
export interface DeckSettingsTable {
  scope_id: string;
  report_channel: string | null;
  set_by: string;
  set_at: number;
}

export interface DeckTables {
  deck_settings: DeckSettingsTable;
  server_decks: ServerDecksTable;
  server_deck_items: ServerDeckItemsTable;
  deck_audit: DeckAuditTable;
  deck_reports: DeckReportsTable;
  image_blocklist: ImageBlocklistTable;
}
