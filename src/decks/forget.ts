import type { Transaction } from 'kysely';
import type { Database } from '../storage/schema.ts';

/** What forget-me leaves in the deck audit log instead of a player. */
export const FORGOTTEN_ACTOR = 'forgotten';

/**
 * forget-me: the player's entries in the deck audit log and their reports lose their name and id. The
 * pictures they added belong to the server's decks and stay (created_by is anonymised too).
 */
export async function anonymiseDeckActor(trx: Transaction<Database>, playerId: string): Promise<void> {
  await trx.updateTable('deck_audit').set({ actor_id: FORGOTTEN_ACTOR, actor_name: FORGOTTEN_ACTOR }).where('actor_id', '=', playerId).execute();
  await trx.updateTable('deck_reports').set({ reporter_id: FORGOTTEN_ACTOR }).where('reporter_id', '=', playerId).execute();
  await trx.updateTable('server_deck_items').set({ created_by: FORGOTTEN_ACTOR }).where('created_by', '=', playerId).execute();
  await trx.updateTable('server_decks').set({ created_by: FORGOTTEN_ACTOR }).where('created_by', '=', playerId).execute();
}
