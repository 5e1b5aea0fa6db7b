/**
 * `npm run --silent cli -- db migrate [--db <file or postgres:// URL>]`
 *
 * Runs the database migrations alone (for deploys: migrate once, then start the instances) and prints
 * the ones it applied. The database is --db, else DATABASE_URL, else DATABASE_PATH
 * (default ./data/emergence.db). Exit code 2 on bad usage, 1 when a migration fails.
 */
import { parseArgs } from 'node:util';
import { Store } from '../storage/store.ts';

const USAGE = 'usage: npm run --silent cli -- db migrate [--db <file or postgres:// URL>]\n';

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { db: { type: 'string' } } });
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const [action, ...extra] = parsed.positionals;
  if (action !== 'migrate' || extra.length) {
    process.stderr.write(USAGE);
    return 2;
  }
  (await import('dotenv')).config({ quiet: true });
  const location = parsed.values.db ?? (process.env.DATABASE_URL?.trim() || process.env.DATABASE_PATH?.trim() || './data/emergence.db');
  const store = await Store.open(location, { migrate: false });
  try {
    const applied = await store.migrate();
    const where = Store.describe(location);
    if (applied.length === 0) process.stdout.write(`${where}: up to date, no migration to apply\n`);
    else process.stdout.write(`${where}: applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}\n`).join('')}`);
    return 0;
  } finally {
    await store.close();
  }
}
