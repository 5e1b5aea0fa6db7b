/**
 * Sharded mode for real: shard processes (spawned by discord.js's ShardingManager, run
 * through tsx) against the fake Discord, which gives each shard only its own guilds, and
 * one SQLite database shared by every process, as main.ts starts them.
 *
 *   - sharded restart notices: each shard recovers the rounds a crash left running in its
 *     own guilds, and tells each channel once (the manager process leaves them alone);
 *   - /healthz in sharded mode reports each shard, down while one is dead and up once it is respawned;
 *   - shard ranges on two "machines" (DISCORD_SHARD_IDS): a machine touches only its own
 *     guilds' rounds, and both play against the one database.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startDiscord, type RunningDiscord } from '../../src/adapters/discord/start.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createHealthCheck } from '../../src/health.ts';
import { t as translate } from '../../src/views/i18n.ts';
import { makeTestApp, type TestApp } from '../fakes/test-app.ts';
import { ADMIN_PERMISSIONS, FakeDiscord, guildIdOnShard, snowflake } from './fake-discord.ts';

const INTERRUPTED = new RegExp(`interrupted|${translate('en', 'notice.restart')}`);

/** Polls for an outcome another process produces, up to a deadline. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const SAVED = { ...process.env };

describe('discord: shard processes on one database', { timeout: 180_000 }, () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    // The ShardingManager writes SHARDING_MANAGER*, DISCORD_TOKEN into process.env; the test wrote the rest.
    for (const k of Object.keys(process.env)) if (!(k in SAVED)) delete process.env[k];
    Object.assign(process.env, SAVED);
  });

  /** Two guilds, one on each of two shards, each with one channel; a database in a temp folder. */
  async function world() {
    const guilds = [0, 1].map((shard) => ({ id: guildIdOnShard(shard, 2), channels: [{ id: snowflake() }] }));
    const fake = await FakeDiscord.start({ guilds });
    cleanups.push(() => fake.close());
    const dir = mkdtempSync(join(tmpdir(), 'emergence-shards-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'shared.db');
    // What every shard process reads at start (it inherits this environment).
    Object.assign(process.env, {
      DISCORD_TOKEN: fake.token,
      DISCORD_APP_ID: fake.appId,
      DISCORD_API_BASE: fake.apiBase,
      DATABASE_PATH: dbPath,
      LADDER_CACHE_DIR: join(dir, 'ladders'),
      LOG_LEVEL: 'silent',
    });
    const channels = guilds.map((g) => g.channels[0]!.id);
    return { fake, dir, dbPath, guilds, channels };
  }

  /** A process of this "machine": its own app on the shared database, and its shards. */
  async function machine(w: Awaited<ReturnType<typeof world>>, env: Record<string, string>) {
    const t: TestApp = await makeTestApp({ databasePath: w.dbPath, dir: w.dir });
    cleanups.push(() => t.app.close());
    const config = loadConfig({ ...process.env, ...env });
    return { t, config };
  }

  async function start(m: Awaited<ReturnType<typeof machine>>): Promise<RunningDiscord> {
    const running = await startDiscord({ app: m.t.app, config: m.config, log: pino({ level: 'silent' }), shardSpawnDelayMs: 0 });
    cleanups.push(() => running.stop());
    return running;
  }

  /** A round that a crash left running in a channel. */
  async function crashedRound(t: TestApp, guildId: string, channelId: string): Promise<string> {
    const id = randomUUID();
    await t.app.store.createRound({
      id,
      platform: 'discord',
      channelId: `discord:${channelId}`,
      scopeId: `discord:${guildId}`,
      deckId: 'masterpieces',
      itemId: 'mona-lisa',
      mode: 'race',
      stepSeconds: 15,
      hostId: 'discord:1',
      locale: 'en',
      startedAt: t.clock.now(),
    });
    return id;
  }

  /** What the bot posted in a channel, as text: the recap of a round closed by recovery, or the restart notice. */
  const posts = (fake: FakeDiscord, channelId: string) =>
    fake.channelMessages(channelId).map((m) => [m.content, m.embeds[0]?.title, m.embeds[0]?.description].filter(Boolean).join('\n'));

  /** The round is closed and its channel was told (the database marks it once the notice went out). */
  const told = (t: TestApp, id: string) => async () => {
    const r = await t.app.store.round(id);
    return r?.status === 'interrupted' && Boolean(r.announced);
  };

  it('sharded restart notices: each shard closes the crashed rounds of its own guilds and tells each channel once', async () => {
    const w = await world();
    const { fake, guilds, channels } = w;
    const m = await machine(w, { DISCORD_SHARD_COUNT: '2' });
    const ids = [await crashedRound(m.t, guilds[0]!.id, channels[0]!), await crashedRound(m.t, guilds[1]!.id, channels[1]!)];

    const running = await start(m);
    expect(running.manager!.shards.size).toBe(2);
    expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    for (const id of ids) await until(`round ${id} to be closed and announced`, told(m.t, id));

    // Told once each: the round's recap, saying it was interrupted (or the restart notice, if that failed).
    for (const channelId of channels) {
      const told = posts(fake, channelId);
      expect(told).toHaveLength(1);
      expect(told[0]).toMatch(INTERRUPTED);
      expect(fake.channelMessages(channelId)[0]!.allowed_mentions).toMatchObject({ parse: [] });
    }
  });

  it('/healthz reports each shard: all connected, one down when its process dies, up again once respawned', async () => {
    const w = await world();
    const m = await machine(w, { DISCORD_SHARD_COUNT: '2' });
    const running = await start(m);
    const check = createHealthCheck(m.t.app, [{ name: 'discord', connected: () => running.connected(), shards: running.shards }]);
    await until('both shards to report ready', async () => (await check()).ok);
    expect(await check()).toEqual({
      ok: true,
      database: 'ok',
      adapters: { discord: 'connected' },
      shards: { discord: { '0': 'connected', '1': 'connected' } },
    });

    // Shard 1's process dies: the manager knows at once, and respawns it.
    const shard1 = running.manager!.shards.get(1)!;
    const dead = shard1.process!;
    dead.kill('SIGKILL');
    await until('shard 1 to be reported down', async () => (await check()).shards?.discord?.['1'] === 'disconnected');
    const down = await check();
    expect(down.ok).toBe(false);
    expect(down.adapters.discord).toBe('disconnected');
    expect(down.shards?.discord?.['0']).toBe('connected');

    await until('shard 1 to be respawned and ready', async () => (await check()).ok);
    expect(shard1.process).not.toBe(dead);
    expect((await check()).shards).toEqual({ discord: { '0': 'connected', '1': 'connected' } });
  });

  it('shard ranges on two machines: each touches only its own guilds’ rounds, and both play on the one database', async () => {
    const w = await world();
    const { fake, guilds, channels } = w;
    const a = await machine(w, { DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '0' });
    const b = await machine(w, { DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '1' });
    const round0 = await crashedRound(a.t, guilds[0]!.id, channels[0]!);
    const round1 = await crashedRound(a.t, guilds[1]!.id, channels[1]!);

    // Machine A runs shard 0 only: it closes guild 0's round, and leaves guild 1's to the machine that serves it.
    const runningA = await start(a);
    expect([...runningA.manager!.shards.keys()]).toEqual([0]);
    await until('guild 0’s round to be announced', told(a.t, round0));
    expect((await a.t.app.store.round(round1))?.status).toBe('running');
    expect(posts(fake, channels[1]!)).toEqual([]);

    const runningB = await start(b);
    expect([...runningB.manager!.shards.keys()]).toEqual([1]);
    await until('guild 1’s round to be announced', told(b.t, round1));
    expect(fake.identifies.map((i) => i.shard)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    for (const channelId of channels) {
      expect(posts(fake, channelId)).toHaveLength(1);
      expect(posts(fake, channelId)[0]).toMatch(INTERRUPTED);
    }

    // Each machine's shard answers its own guild; the scores land in the one database.
    const host = (guild: number) => ({ member: fake.member({ name: `Host${guild}`, permissions: ADMIN_PERMISSIONS }), channelId: channels[guild] });
    await fake.waitForAnswer(fake.sendInteraction(fake.command('play', { deck: 'masterpieces', item: 'the-kiss' }, host(0))));
    await fake.waitForAnswer(fake.sendInteraction(fake.command('play', { deck: 'masterpieces', item: 'the-scream' }, host(1))));
    const won0 = await fake.waitForAnswer(fake.sendInteraction(fake.command('guess', { answer: 'the kiss' }, host(0))));
    expect(won0.content).toContain('You win this round');
    const won1 = await fake.waitForAnswer(fake.sendInteraction(fake.command('guess', { answer: 'the scream' }, host(1))));
    expect(won1.content).toContain('You win this round');
    const board = await fake.waitForAnswer(fake.sendInteraction(fake.command('leaderboard', { scope: 'global' }, host(1))));
    expect(board.embeds[0].description).toContain('Host0');
    expect(board.embeds[0].description).toContain('Host1');
  });
});
