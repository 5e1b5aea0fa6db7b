/** Sharding settings: parsing DISCORD_SHARDS, `auto` from /gateway/bot, the manager's options. */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SHARD_MAIN, createShardManager, parseShards, resolveShardCount } from '../../src/adapters/discord/shard.ts';
import { FakeDiscord } from './fake-discord.ts';

describe('discord sharding', () => {
  const saved = { ...process.env };
  afterEach(() => {
    // The ShardingManager constructor writes SHARDING_MANAGER* and DISCORD_TOKEN into process.env.
    for (const k of ['SHARDING_MANAGER', 'SHARDING_MANAGER_MODE', 'DISCORD_TOKEN']) {
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
});
