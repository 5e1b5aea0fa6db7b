/**
 * Vitest global setup: one throwaway PostgreSQL cluster for the whole run (src/storage/local-postgres.ts).
 * Test files get its connection string with `inject('postgresUrl')` (see test/fakes/databases.ts), and
 * processes they start get it from EMERGENCE_TEST_POSTGRES_URL. If it cannot start, the run fails here,
 * with the reason: no PostgreSQL test is skipped.
 */
import type { TestProject } from 'vitest/node';
import { startLocalPostgres } from '../../src/storage/local-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const pg = await startLocalPostgres({ say: (line) => process.stderr.write(`[test postgres] ${line}\n`) });
  project.provide('postgresUrl', pg.url);
  process.env.EMERGENCE_TEST_POSTGRES_URL = pg.url;
  // A run that is interrupted still stops the server and removes its folder.
  const onExit = () => pg.stop();
  process.once('exit', onExit);
  return () => {
    process.off('exit', onExit);
    pg.stop();
  };
}
