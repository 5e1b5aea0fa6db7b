/**
 * Sharded mode for real: shard processes (spawned by discord.js's ShardingManager, run
 * through tsx) against the fake Discord, which gives each shard only its own guilds, and
 * one SQLite database shared by every process, as main.ts starts them.
 *
 *   - sharded restart notices: the rounds a crash left running are closed by the manager
 *     process, and each channel is told once, by the shard that serves it;
 *   - shard ranges on two "machines" (DISCORD_SHARD_IDS): each runs its own shards against
 *     the one database, and a notice for the other machine's guild still arrives once.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startDiscord, type RunningDiscord } from '../../src/adapters/discord/start.ts';
import { loadConfig } from '../../src/config/config.ts';
import { t as translate } from '../../src/views/i18n.ts';
import { makeTestApp, type TestApp } from '../fakes/test-app.ts';
import { ADMIN_PERMISSIONS, FakeDiscord, guildIdOnShard, snowflake } from './fake-discord.ts';

const NOTICE = translate('en', 'notice.restart');
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

  const notices = (fake: FakeDiscord, channelId: string) =>
    fake.channelMessages(channelId).filter((m) => m.content.includes('A restart interrupted'));

  it('sharded restart notices: the manager closes the crashed rounds, each shard tells its own guild’s channel once', async () => {
    const w = await world();
    const { fake, guilds, channels } = w;
    const m = await machine(w, { DISCORD_SHARD_COUNT: '2' });
    const ids = [await crashedRound(m.t, guilds[0]!.id, channels[0]!), await crashedRound(m.t, guilds[1]!.id, channels[1]!)];

    // As main.ts does: recover before any shard runs, start the shards, then tell the channels.
    const interrupted = await m.t.app.game.closeInterrupted();
    expect(interrupted.map((r) => r.id).sort()).toEqual([...ids].sort());
    const running = await start(m);
    expect(running.manager!.shards.size).toBe(2);
    expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    await m.t.app.game.announceInterrupted(interrupted);

    for (const channelId of channels) {
      const [notice, ...more] = notices(fake, channelId);
      expect(more).toEqual([]);
      expect(notice!.content).toBe(NOTICE);
      expect(notice!.allowed_mentions).toMatchObject({ parse: [] });
    }
    // Posted by the shards, which have their guilds' channels cached: the manager never looked a channel up.
    expect(fake.requestsMatching('GET', /^\/channels\/\d+$/)).toEqual([]);
    for (const id of ids) expect((await m.t.app.store.round(id))?.status).toBe('interrupted');
  });

  it('shard ranges on two machines share the database, and a notice for the other machine’s guild arrives once', async () => {
    const w = await world();
    const { fake, guilds, channels } = w;
    const a = await machine(w, { DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '0' });
    const b = await machine(w, { DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '1' });
    await crashedRound(a.t, guilds[0]!.id, channels[0]!);
    await crashedRound(a.t, guilds[1]!.id, channels[1]!);

    // Machine A starts first and recovers both rounds; B then finds none.
    const interruptedA = await a.t.app.game.closeInterrupted();
    const runningA = await start(a);
    expect([...runningA.manager!.shards.keys()]).toEqual([0]);
    const interruptedB = await b.t.app.game.closeInterrupted();
    expect(interruptedB).toEqual([]);
    const runningB = await start(b);
    expect([...runningB.manager!.shards.keys()]).toEqual([1]);
    expect(fake.identifies.map((i) => i.shard)).toEqual([
      [0, 2],
      [1, 2],
    ]);

    await a.t.app.game.announceInterrupted(interruptedA);
    await b.t.app.game.announceInterrupted(interruptedB);
    // Guild 0's channel by A's shard; guild 1's (served on B) by A's manager through REST. Once each.
    for (const channelId of channels) expect(notices(fake, channelId).map((n) => n.content)).toEqual([NOTICE]);
    expect(fake.requestsMatching('GET', /^\/channels\/\d+$/).map((r) => r.path)).toEqual([`/channels/${channels[1]}`]);

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
