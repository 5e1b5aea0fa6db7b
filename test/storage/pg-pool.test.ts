/** The PostgreSQL pool: an idle connection that fails is logged, and the next query opens another. */
import { sql } from 'kysely';
import pino from 'pino';
import { expect, it } from 'vitest';
import { Store } from '../../src/storage/store.ts';
import { postgresEngine } from '../fakes/databases.ts';

it('logs an idle connection that PostgreSQL ends, and goes on with a new one', async () => {
  const d = await postgresEngine.create();
  const warnings: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) });
  const store = await Store.open(d.location, { log });
  try {
    const before = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(store.db)).rows[0]!.pid;
    // Another session ends the store's idle backend, as a restarted server or an administrator would.
    const admin = await Store.open(d.location, { migrate: false });
    await sql`SELECT pg_terminate_backend(${before})`.execute(admin.db);
    await admin.close();
    const deadline = Date.now() + 30_000;
    while (warnings.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(warnings).toEqual(['an idle database connection failed; the next query opens another']);
    const after = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(store.db)).rows[0]!.pid;
    expect(after).not.toBe(before);
  } finally {
    await store.close();
    await d.drop();
  }
});
