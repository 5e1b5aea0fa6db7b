/** Sharding settings: parsing DISCORD_SHARDS, `auto` from /gateway/bot, the manager's options. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SHARD_MAIN,
  createShardManager,
  parseShards,
  resolveShardCount,
  shardPlan,
  startShardManager,
} from '../../src/adapters/discord/shard.ts';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { FakeDiscord } from './fake-discord.ts';

const SHARD_ENV = ['DISCORD_APP_ID', 'DISCORD_API_BASE', 'DISCORD_SHARDS', 'DATABASE_PATH', 'LADDER_CACHE_DIR', 'LOG_LEVEL'];

describe('discord sharding', () => {
  const saved = { ...process.env };
  afterEach(() => {
    // The ShardingManager constructor writes SHARDING_MANAGER* and DISCORD_TOKEN into process.env.
    for (const k of ['SHARDING_MANAGER', 'SHARDING_MANAGER_MODE', 'DISCORD_TOKEN', ...SHARD_ENV]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('parses DISCORD_SHARDS', () => {
    expect(parseShards(undefined)).toBeNull();
    expect(parseShards('')).toBeNull();
    expect(parseShards('auto')).toBe('auto');
    expect(parseShards(' AUTO ')).toBe('auto');
    expect(parseShards('4')).toBe(4);
    for (const bad of ['0', '-1', '2.5', 'many']) expect(() => parseShards(bad)).toThrow(/DISCORD_SHARDS/);
  });

  it('reads shard ranges (DISCORD_SHARD_IDS of DISCORD_SHARD_COUNT) and refuses inconsistent ones', () => {
    const base = { DISCORD_TOKEN: 't', DISCORD_APP_ID: '1' };
    const ids = (v: string, count = '8') => loadConfig({ ...base, DISCORD_SHARD_IDS: v, DISCORD_SHARD_COUNT: count }).DISCORD_SHARD_IDS;
    expect(ids('0,1')).toEqual([0, 1]);
    expect(ids('0-3')).toEqual([0, 1, 2, 3]);
    expect(ids(' 4-5 , 7,4 ')).toEqual([4, 5, 7]);
    expect(loadConfig({ ...base, DISCORD_SHARD_IDS: '', DISCORD_SHARD_COUNT: '' })).toMatchObject({
      DISCORD_SHARD_IDS: undefined,
      DISCORD_SHARD_COUNT: undefined,
    });
    const refused = (env: Record<string, string>, message: RegExp) => {
      expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, ...env })).toThrow(message);
    };
    refused({ DISCORD_SHARD_IDS: 'one', DISCORD_SHARD_COUNT: '2' }, /"one" is not a shard id.*\n\s*→ at DISCORD_SHARD_IDS/);
    refused({ DISCORD_SHARD_IDS: '3-1', DISCORD_SHARD_COUNT: '4' }, /range "3-1" runs backwards/);
    refused({ DISCORD_SHARD_IDS: '0-1' }, /required with DISCORD_SHARD_IDS.*\n\s*→ at DISCORD_SHARD_COUNT/);
    refused({ DISCORD_SHARD_IDS: '1-2', DISCORD_SHARD_COUNT: '2' }, /shard 2 is not below DISCORD_SHARD_COUNT \(2\)/);
    refused({ DISCORD_SHARD_COUNT: '0' }, /DISCORD_SHARD_COUNT/);
    refused({ DISCORD_SHARD_COUNT: '2', DISCORD_SHARDS: 'auto' }, /conflicts with DISCORD_SHARD_COUNT.*\n\s*→ at DISCORD_SHARDS\n/);

    const plan = (env: Record<string, string>) => shardPlan(loadConfig({ ...base, ...env }));
    expect(plan({})).toBeNull();
    expect(plan({ DISCORD_SHARDS: 'auto' })).toEqual({ totalShards: 'auto' });
    expect(plan({ DISCORD_SHARD_COUNT: '4' })).toEqual({ totalShards: 4 });
    expect(plan({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '2-3' })).toEqual({ totalShards: 4, shardList: [2, 3] });
    const m = createShardManager({ totalShards: 4, shardList: [2, 3], token: 'secret' });
    expect(m.shardList).toEqual([2, 3]);
    expect(m.totalShards).toBe(4);
  });

  it('resolves `auto` from GET /gateway/bot on DISCORD_API_BASE', async () => {
    const fake = await FakeDiscord.start({ shards: 3 });
    try {
      expect(await resolveShardCount('auto', { token: fake.token, apiBase: fake.apiBase })).toBe(3);
      expect(await resolveShardCount(2, { token: fake.token, apiBase: fake.apiBase })).toBe(2);
    } finally {
      await fake.close();
    }
  });

  it('builds a process-per-shard manager that runs shard-main.ts through tsx', () => {
    expect(existsSync(SHARD_MAIN)).toBe(true);
    const m = createShardManager({ totalShards: 2, token: 'secret' }) as ReturnType<typeof createShardManager> & {
      mode: string;
      execArgv: string[];
    };
    expect(m.totalShards).toBe(2);
    expect(m.mode).toBe('process');
    expect(m.respawn).toBe(true);
    expect(m.file).toBe(SHARD_MAIN);
    expect(m.execArgv).toEqual(['--import', 'tsx']);
  });

  it('really runs a shard in its own process, which answers, and stops cleanly on SIGTERM', async () => {
    const fake = await FakeDiscord.start({ shards: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'emergence-shard-'));
    // The shard process reads its configuration from the environment it inherits.
    Object.assign(process.env, {
      DISCORD_TOKEN: fake.token,
      DISCORD_APP_ID: fake.appId,
      DISCORD_API_BASE: fake.apiBase,
      DISCORD_SHARDS: 'auto',
      DATABASE_PATH: join(dir, 'shared.db'),
      LADDER_CACHE_DIR: join(dir, 'ladders'),
      LOG_LEVEL: 'silent',
    });
    try {
      const running = await startShardManager({ token: fake.token, plan: { totalShards: 'auto' }, apiBase: fake.apiBase, log: pino({ level: 'silent' }) });
      expect(running.manager.totalShards).toBe(1);
      expect(fake.identifies).toEqual([{ intents: 1, shard: [0, 1] }]);
      const help = await fake.waitForAnswer(fake.sendInteraction(fake.command('help')));
      expect(help.embeds[0].title).toContain('Emergence');
      const child = running.manager.shards.get(0)!.process!;
      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await running.stop();
      expect(await exit).toBe(0);
    } finally {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
