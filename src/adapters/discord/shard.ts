/**
 * Scale: with DISCORD_SHARDS=auto or a number, or DISCORD_SHARD_COUNT, the bot runs under
 * discord.js's ShardingManager, one process per shard (`shard-main.ts` under tsx, or dist/shard-main.js when compiled).
 * DISCORD_SHARD_IDS runs only a range of the DISCORD_SHARD_COUNT shards here, so the
 * shards can be spread over several machines that share one database.
 *
 *   - Discord sends each shard the events of its own guilds, so each shard process owns
 *     the rounds of its guilds: their timers, state and messages live there.
 *   - Every shard opens the same SQLite file (WAL, busy_timeout), so scores, leaderboards
 *     and first-solver checks are shared and atomic across shards.
 *   - Each shard, once ready, recovers the rounds of its own guilds whose owner is gone
 *     (shard-main.ts: they go on, or are closed past the resume window) and tells their
 *     channels; the manager process leaves Discord rounds alone. So shards on another
 *     machine (DISCORD_SHARD_IDS) never lose a live round to this one starting.
 *   - `auto` asks Discord (`GET /gateway/bot`, on DISCORD_API_BASE if set) for the count.
 */
import { REST, Routes, ShardingManager, type Shard } from 'discord.js';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.ts';

export type ShardSetting = 'auto' | number;

/** How many shards there are in all, and which of them run here (all when no list). */
export interface ShardPlan {
  totalShards: ShardSetting;
  shardList?: number[];
}

/** The sharding the configuration asks for, or null for one in-process client. */
export function shardPlan(c: Pick<Config, 'DISCORD_SHARDS' | 'DISCORD_SHARD_IDS' | 'DISCORD_SHARD_COUNT'>): ShardPlan | null {
  if (c.DISCORD_SHARD_COUNT !== undefined) {
    return { totalShards: c.DISCORD_SHARD_COUNT, ...(c.DISCORD_SHARD_IDS ? { shardList: c.DISCORD_SHARD_IDS } : {}) };
  }
  const setting = parseShards(c.DISCORD_SHARDS);
  return setting === null ? null : { totalShards: setting };
}

/** DISCORD_SHARDS: unset/empty → no sharding; `auto`; or a whole number ≥ 1. */
export function parseShards(value: string | undefined): ShardSetting | null {
  const v = value?.trim().toLowerCase();
  if (!v) return null;
  if (v === 'auto') return 'auto';
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10_000) {
    throw new Error(`DISCORD_SHARDS must be "auto" or a whole number from 1, not "${value}"`);
  }
  return Number(v);
}

/** The number of shards: the setting, or Discord's recommendation for `auto`. */
export async function resolveShardCount(setting: ShardSetting, o: { token: string; apiBase?: string }): Promise<number> {
  if (setting !== 'auto') return setting;
  const rest = new REST({ ...(o.apiBase ? { api: o.apiBase.replace(/\/+$/, '') } : {}), timeout: 15_000 }).setToken(o.token);
  const info = (await rest.get(Routes.gatewayBot())) as { shards?: number };
  return Math.max(1, Number(info.shards) || 1);
}

/** Running from dist/ (`npm run build`): every compiled file, this one included, lies directly in dist/. */
const COMPILED = !import.meta.url.endsWith('.ts');

export const SHARD_MAIN = fileURLToPath(new URL(COMPILED ? './shard-main.js' : './shard-main.ts', import.meta.url));

export function createShardManager(o: { totalShards: number; shardList?: number[]; token: string }): ShardingManager {
  return new ShardingManager(SHARD_MAIN, {
    totalShards: o.totalShards,
    ...(o.shardList ? { shardList: o.shardList } : {}),
    token: o.token,
    mode: 'process',
    respawn: true,
    // From the sources the shard entry is TypeScript: run it through tsx, like `npm start`. Compiled, the
    // shards get the manager's node flags (the image's memory flags, see the Dockerfile's CMD).
    execArgv: COMPILED ? process.execArgv : ['--import', 'tsx'],
  });
}

/** Starts this machine's shards, and stops them cleanly: SIGTERM each, wait for it to finish its writes. */
export async function startShardManager(o: {
  token: string;
  plan: ShardPlan;
  apiBase?: string;
  log: Logger;
  stopTimeoutMs?: number;
  /** Between two shards' logins; Discord allows one IDENTIFY per 5 s (per concurrency bucket). */
  spawnDelayMs?: number;
}): Promise<{ manager: ShardingManager; stop(): Promise<void> }> {
  const totalShards = await resolveShardCount(o.plan.totalShards, { token: o.token, apiBase: o.apiBase });
  const manager = createShardManager({ totalShards, shardList: o.plan.shardList, token: o.token });
  let stopping = false;
  manager.on('shardCreate', (shard: Shard) => {
    o.log.info({ shard: shard.id, of: totalShards }, 'discord shard starting');
    shard.on('death', () => {
      if (!stopping) o.log.warn({ shard: shard.id }, 'discord shard exited; the manager respawns it');
    });
  });
  // amount = the total, or discord.js would replace the shard list with 0..amount-1.
  await manager.spawn({ amount: totalShards, delay: o.spawnDelayMs ?? 5500, timeout: 120_000 });
  return {
    manager,
    async stop() {
      stopping = true;
      await Promise.all(
        [...manager.shards.values()].map(async (shard) => {
          const child = shard.process;
          if (!child || child.exitCode !== null) return;
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          // kill() detaches the respawn listener, then sends SIGTERM: the shard closes its rounds and exits.
          shard.kill();
          const timer = setTimeout(() => child.kill('SIGKILL'), o.stopTimeoutMs ?? 30_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
