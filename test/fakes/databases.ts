/**
 * A fresh, real database for each suite or test, on both engines the store runs on, so that a suite
 * can run `describe.each(engines)`:
 * - sqlite: a file in a temporary folder;
 * - postgres: a database of its own (CREATE DATABASE, dropped afterwards) in the cluster that
 *   test/setup/postgres.ts started for the run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createDatabase, dropDatabase } from '../../src/storage/local-postgres.ts';
import { Store } from '../../src/storage/store.ts';

export type EngineName = 'sqlite' | 'postgres';

export interface TestDatabase {
  engine: EngineName;
  /** What Store.open takes: a SQLite file path or a postgres:// URL. */
  location: string;
  open(): Promise<Store>;
  /** Removes the database (and its folder). */
  drop(): Promise<void>;
}

export interface Engine {
  name: EngineName;
  create(): Promise<TestDatabase>;
}

/** The test cluster's superuser URL (to the `postgres` database). */
export function postgresUrl(): string {
  const url = inject('postgresUrl');
  if (!url) throw new Error('no test PostgreSQL: vitest.config.ts must run test/setup/postgres.ts as globalSetup');
  return url;
}

/** The URL of database `name` in the test cluster. */
export function postgresUrlOf(name: string): string {
  const u = new URL(postgresUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

export const sqliteEngine: Engine = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'emergence-db-'));
    const location = join(dir, 'test.db');
    return {
      engine: 'sqlite',
      location,
      open: () => Store.open(location),
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const postgresEngine: Engine = {
  name: 'postgres',
  async create() {
    const name = `emergence_test_${process.pid}_${randomBytes(5).toString('hex')}`;
    const admin = postgresUrl();
    await createDatabase(admin, name);
    const location = postgresUrlOf(name);
    return {
      engine: 'postgres',
      location,
      open: () => Store.open(location),
      drop: () => dropDatabase(admin, name),
    };
  },
};

export const engines: Engine[] = [sqliteEngine, postgresEngine];
