import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import type { Caller } from '../../src/core/commands/define.ts';
import type { RoundState } from '../../src/core/game/round.ts';
import { playersOf, runningRoundOf, stateOf } from '../../src/storage/rounds.ts';
import { FakeClock } from './fake-clock.ts';

export interface TestApp {
  app: App;
  clock: FakeClock;
  dir: string;
  dbPath: string;
  cleanup(): Promise<void>;
}

/** A real app (real SQLite file, real decks and ladders) on a fake clock, in a temp folder. */
export async function makeTestApp(over: Partial<AppOptions> & { dir?: string } = {}): Promise<TestApp> {
  const dir = over.dir ?? mkdtempSync(join(tmpdir(), 'emergence-app-'));
  const clock = (over.clock as FakeClock | undefined) ?? new FakeClock();
  const dbPath = over.databasePath ?? join(dir, 'emergence.db');
  const app = await createApp({
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    clock,
    ladderCacheDir: join(dir, 'ladders'),
    stepSeconds: 15,
    ...over,
    databasePath: dbPath,
  });
  return {
    app,
    clock,
    dir,
    dbPath,
    async cleanup() {
      await app.close();
      if (!over.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function caller(name: string, over: Partial<Caller> = {}): Caller {
  return {
    platform: 'terminal',
    userId: `terminal:${name}`,
    userName: name,
    locale: 'en',
    isHost: false,
    channelId: 'terminal:c1',
    scopeId: 'terminal:s1',
    ...over,
  };
}

/** The round running in a channel, as the database holds it (the game service keeps no copy); undefined when none. */
export async function runningRound(app: App, channelId: string): Promise<RoundState | undefined> {
  const row = await runningRoundOf(app.store.db, channelId);
  return row ? stateOf(row, await playersOf(app.store.db, row.id)) : undefined;
}
