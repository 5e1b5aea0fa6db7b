/**
 * Forget-me confirmation codes, kept in the database so that the confirmation may reach any instance.
 * One row per player: the code, when it expires, and the wrong tries so far.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface ForgetCode {
  code: string;
  expiresAt: number;
  tries: number;
}

export async function putForgetCode(db: Kysely<Database>, playerId: string, c: ForgetCode): Promise<void> {
  await db
    .insertInto('forget_codes')
    .values({ player_id: playerId, code: c.code, expires_at: c.expiresAt, tries: c.tries })
    .onConflict((oc) => oc.column('player_id').doUpdateSet({ code: c.code, expires_at: c.expiresAt, tries: c.tries }))
    .execute();
  // Old requests nobody confirmed are of no use: keep the table small.
  await db.deleteFrom('forget_codes').where('expires_at', '<', c.expiresAt - 24 * 3_600_000).execute();
}

export async function getForgetCode(db: Kysely<Database>, playerId: string): Promise<ForgetCode | undefined> {
  const r = await db.selectFrom('forget_codes').selectAll().where('player_id', '=', playerId).executeTakeFirst();
  return r && { code: r.code, expiresAt: Number(r.expires_at), tries: r.tries };
}

export async function countWrongTry(db: Kysely<Database>, playerId: string): Promise<void> {
  await db.updateTable('forget_codes').set((eb) => ({ tries: eb('tries', '+', 1) })).where('player_id', '=', playerId).execute();
}

export async function dropForgetCode(db: Kysely<Database>, playerId: string): Promise<void> {
  await db.deleteFrom('forget_codes').where('player_id', '=', playerId).execute();
}
