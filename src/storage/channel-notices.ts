/**
 * Notices a channel hears once: the first instance to claim one (an insert that finds no row) gives it,
 * every later claim, from this instance or another on the same database, finds the row and stays quiet.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export async function claimChannelNotice(db: Kysely<Database>, channelId: string, notice: string, now: number): Promise<boolean> {
  const r = await db
    .insertInto('channel_notices')
    .values({ channel_id: channelId, notice, shown_at: now })
    .onConflict((oc) => oc.columns(['channel_id', 'notice']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}
