/**
 * Two "machines", each a real `src/main.ts` process running one Discord shard range (DISCORD_SHARD_COUNT=2,
 * DISCORD_SHARD_IDS=0 and =1) against the fake Discord and one SQLite database. Each plays a round in its
 * own guild; a shard killed with kill -9 is respawned by its manager and goes on with its guild's round,
 * editing the same round message, every step once. Polled with deadlines.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PERMISSIONS, FakeDiscord, guildIdOnShard, snowflake, type FakeMessage } from '../discord/fake-discord.ts';
import { startBot, waitFor, type Bot } from './proc.ts';

let dir = '';
let fake: FakeDiscord | undefined;
const bots: Bot[] = [];
afterEach(async () => {
  // The shards are the managers' children: a manager killed with -9 would leave them, so SIGTERM first.
  for (const b of bots.splice(0)) {
    const done = await Promise.race([b.term(), new Promise((r) => setTimeout(() => r('late'), 15_000))]);
    if (done === 'late') {
      for (const pid of childrenOf(b.child.pid!)) tryKill(pid);
      await b.kill9();
    }
  }
  await fake?.close();
  fake = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function childrenOf(pid: number, pattern?: string): number[] {
  try {
    const args = ['-P', String(pid), ...(pattern ? ['-f', pattern] : [])];
    return execFileSync('pgrep', args, { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function tryKill(pid: number) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The shard process under a manager (`node … src/main.ts` → the forked shard-main; tsx's esbuild is another child). */
function shardProcessOf(bot: Bot): number | undefined {
  const kids = childrenOf(bot.child.pid!, 'shard-main');
  return kids.length === 1 ? kids[0] : undefined;
}

function roundsIn(channelId: string): { id: string; status: string; step: number; end_reason: string | null; message_ref: string | null }[] {
  const db = new Database(join(dir, 'shared.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT id, status, step, end_reason, message_ref FROM rounds WHERE channel_id = ? ORDER BY started_at')
      .all(`discord:${channelId}`) as never;
  } finally {
    db.close();
  }
}

/** The steps a round message showed, one per version that carried the Guess button (a version is one post or edit). */
function stepsShown(m: FakeMessage): string[] {
  return m.history.filter((h) => h.components.length > 0).map((h) => String(h.embeds[0]?.title ?? h.content).replace(/ ·.*$/, ''));
}

describe('Discord shard ranges in two processes on one database', () => {
  it('each plays its guild\'s round; a shard killed with kill -9 is respawned and goes on with its round', async () => {
    dir = mkdtempSync(join(tmpdir(), 'emergence-multi-shards-'));
    const guilds = [0, 1].map((shard) => ({ id: guildIdOnShard(shard, 2), channels: [{ id: snowflake() }] }));
    fake = await FakeDiscord.start({ guilds });
    const channels = guilds.map((g) => g.channels[0]!.id);
    const env = (ids: string) => ({
      DISCORD_TOKEN: fake!.token,
      DISCORD_APP_ID: fake!.appId,
      DISCORD_API_BASE: fake!.apiBase,
      DATABASE_PATH: join(dir, 'shared.db'),
      LADDER_CACHE_DIR: join(dir, 'ladders'),
      DISCORD_SHARD_COUNT: '2',
      DISCORD_SHARD_IDS: ids,
      STEP_SECONDS: '3',
    });
    const a = startBot(env('0'));
    const b = startBot(env('1'));
    bots.push(a, b);
    await waitFor('both shards identified', () => [0, 1].every((s) => fake!.identifies.some((i) => i.shard?.[0] === s)), 240_000, [a, b]);

    const host = fake.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
    // The shard's READY arrives before its guilds are cached: retry /play until a round exists.
    for (const channelId of channels) {
      await waitFor(
        `a round in channel ${channelId}`,
        async () => {
          if (roundsIn(channelId).length) return true;
          fake!.sendInteraction(fake!.command('play', { deck: 'masterpieces', item: 'mona-lisa', mode: 'experiment' }, { member: host, channelId }));
          await new Promise((r) => setTimeout(r, 1_000));
          return roundsIn(channelId).length > 0;
        },
        60_000,
        [a, b],
      );
    }
    const roundMessage = (channelId: string) => fake!.channelMessages(channelId)[0];
    await waitFor('step 2 in guild 0', () => roundMessage(channels[0]!) && stepsShown(roundMessage(channels[0]!)!).includes('What is it? Step 2/6'), 60_000, [a, b]);

    // kill -9 machine A's shard: its manager respawns it, and the new shard takes its guild's round on.
    const shard = await waitFor('machine A\'s shard process', () => shardProcessOf(a), 10_000, [a]);
    tryKill(shard);
    await waitFor('a respawned shard', () => {
      const now = shardProcessOf(a);
      return now !== undefined && now !== shard;
    }, 60_000, [a]);

    for (const channelId of channels) {
      await waitFor(
        `the round in ${channelId} to end, its recap posted`,
        () => roundsIn(channelId)[0]?.status === 'ended' && fake!.channelMessages(channelId).some((x) => String(x.embeds[0]?.title).startsWith('It was:')) && roundMessage(channelId)!.history.at(-1)!.components.length === 0,
        120_000,
        [a, b],
      );
    }
    for (const channelId of channels) {
      const [round] = roundsIn(channelId);
      expect(round).toMatchObject({ status: 'ended', end_reason: 'timeout' });
      expect(roundsIn(channelId)).toHaveLength(1);
      const m = roundMessage(channelId)!;
      const shown = stepsShown(m);
      // One round message, every step on it once and in order (the final window last).
      expect(shown.filter((s) => /Step \d\/6/.test(s))).toEqual([1, 2, 3, 4, 5, 6].map((n) => `What is it? Step ${n}/6`).concat('Last chance! Step 6/6'));
      // Closed at the end: the last version only takes the button away.
      expect(m.history.at(-1)!.components).toEqual([]);
      expect(m.history.filter((h) => h.components.length === 0)).toHaveLength(1);
      expect(round!.message_ref).toContain(m.id);
      // The round message and one recap: no restart notice, no interruption.
      const all = fake.channelMessages(channelId).map((x) => String(x.embeds[0]?.title ?? x.content));
      expect(all).toEqual([expect.stringMatching(/^Last chance!/), 'It was: Mona Lisa (蒙娜丽莎)']);
    }
  }, 600_000);
});
