/**
 * A real app (SQLite file, decks, ladders, fake clock) + the fake Discord + the REAL
 * discord.js client, started through `startDiscord` exactly as main.ts does.
 */
import pino from 'pino';
import sharp from 'sharp';
import { expect } from 'vitest';
import { startDiscord, type RunningDiscord } from '../../src/adapters/discord/start.ts';
import type { AppOptions } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { makeTestApp, type TestApp } from '../fakes/test-app.ts';
import { FakeDiscord, type FakeDiscordOptions } from './fake-discord.ts';

export interface Harness extends TestApp {
  fake: FakeDiscord;
  running: RunningDiscord;
  stop(): Promise<void>;
}

export async function startHarness(
  o: {
    env?: Record<string, string>;
    /** Options for a new fake Discord, or a running one to share (a second process on the same Discord). */
    fake?: FakeDiscordOptions | FakeDiscord;
    /** App options; `dir` and `databasePath` of another harness make a second process on its database. */
    app?: Partial<AppOptions> & { dir?: string };
    deferAfterMs?: number;
  } = {},
): Promise<Harness> {
  const shared = o.fake instanceof FakeDiscord;
  const fake = o.fake instanceof FakeDiscord ? o.fake : await FakeDiscord.start(o.fake);
  const t = await makeTestApp(o.app);
  const config = loadConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_APP_ID: fake.appId,
    DISCORD_API_BASE: fake.apiBase,
    ...o.env,
  });
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let running: RunningDiscord;
  try {
    running = await startDiscord({
      app: t.app,
      config,
      log,
      rest: { timeoutMs: 2000, retries: 0 },
      deferAfterMs: o.deferAfterMs,
      waitGuildTimeoutMs: 2000,
    });
  } catch (err) {
    await t.cleanup();
    if (!shared) await fake.close();
    throw err;
  }
  return {
    ...t,
    fake,
    running,
    async stop() {
      await running.stop();
      await t.cleanup();
      if (!shared) await fake.close();
    },
  };
}

/** Decodes a PNG and checks it is a real 512×512 picture. */
export async function expectPng512(data: Buffer): Promise<void> {
  expect(data.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const meta = await sharp(data).metadata();
  expect(meta.format).toBe('png');
  expect([meta.width, meta.height]).toEqual([512, 512]);
}

/**
 * A bound for one e2e test (a real client, real pictures, a real database): generous, because the
 * machines that run the suite are shared. It only stops a hung test; nothing asserts on time.
 */
export const E2E_TIMEOUT_MS = 30_000;
