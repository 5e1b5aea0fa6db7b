/** Engine throughput with every guess committed to SQLite, and memory with many rounds held. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../app.ts';
import type { Caller } from '../core/commands/define.ts';
import type { Clock, TimerHandle } from '../runtime/clock.ts';

/** A clock whose timers never fire: the bench drives rounds by guesses only. */
class StillClock implements Clock {
  private n = 0;
  now(): number {
    return 1_700_000_000_000;
  }
  setTimer(): TimerHandle {
    return { id: ++this.n };
  }
  clearTimer(): void {}
}

const caller = (channel: number, player: number): Caller => ({
  platform: 'terminal',
  userId: `terminal:p${player}`,
  userName: `p${player}`,
  locale: 'en',
  isHost: true,
  channelId: `terminal:c${channel}`,
  scopeId: 'terminal:s',
});

async function withApp<T>(fn: (app: Awaited<ReturnType<typeof createApp>>) => Promise<T>, ladderCacheDir?: string): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'emergence-bench-'));
  const app = await createApp({
    log: pino({ level: 'silent' }),
    clock: new StillClock(),
    databasePath: join(dir, 'bench.db'),
    ladderCacheDir: ladderCacheDir ?? join(dir, 'ladders'),
    rate: { burst: 1e9, windowMs: 1 },
  });
  app.sinks.register('terminal', { publish: async () => undefined });
  try {
    return await fn(app);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Guesses per second, each one judged by the engine and committed to SQLite before it is
 * answered. 50 channels play at once, as on a busy bot; in each, 20 players guess three times
 * a step (the limit), the host skips to the next step, and a new round starts when one ends.
 */
export async function benchCommittedGuesses(total = 60_000): Promise<Record<string, number>> {
  return withApp(async (app) => {
    const channels = 50;
    const players = 20;
    const guesses = ['sunset', 'a lady', 'portrait', 'woman smiling', 'starry night', 'lisa'];
    const perChannel = Math.ceil(total / channels);
    const host = (c: number) => caller(c, 0);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: channels }, async (_, c) => {
        let n = 0;
        while (n < perChannel) {
          if (!app.game.activeRound(host(c).channelId)) await app.game.play(host(c), { item: 'mona-lisa', mode: 'experiment' });
          for (let p = 1; p <= players && n < perChannel; p++) {
            for (let k = 0; k < 3 && n < perChannel; k++, n++) await app.game.guess(caller(c, p), guesses[(p + k) % guesses.length]!);
          }
          await app.game.skip(host(c));
        }
      }),
    );
    const s = (performance.now() - t0) / 1000;
    total = perChannel * channels;
    const count = Number(
      (await app.store.db.selectFrom('guesses').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n,
    );
    if (count !== total) throw new Error(`expected ${total} committed guesses, found ${count}`);
    return { committed_guesses_per_s: Math.round(total / s) };
  });
}

const ROUND_DECKS = ['masterpieces', 'landmarks', 'everyday'];

/** Fills a ladder cache folder with every picture of the decks the rounds bench uses. */
export async function warmLadders(dir: string): Promise<void> {
  await withApp(async (app) => {
    for (const deck of ROUND_DECKS) {
      const d = app.decks.get(deck)!;
      for (const item of d.items) await app.ladders.stripFile(app.decks.imagePath(d, item), { size: 512, focus: item.focus });
    }
  }, dir);
}

/**
 * RSS with 10,000 rounds running at once. Run in its own process, on a ladder cache that
 * warmLadders filled: the steady state of a bot that has run before, whose ladders come
 * from disk without decoding.
 */
export async function benchRounds(rounds = 10_000, ladderCacheDir?: string): Promise<Record<string, number>> {
  return withApp(async (app) => {
    const decks = ROUND_DECKS;
    // Every picture's ladder is loaded first, so that what follows is the rounds' own memory.
    for (const deck of decks) {
      for (const item of app.decks.get(deck)!.items) {
        await app.game.play(caller(-1, 0), { deck, item: item.id });
        await app.game.stop(caller(-1, 0));
      }
    }
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < rounds; i++) {
      await app.game.play(caller(i, 0), { deck: decks[i % decks.length], mode: i % 2 ? 'race' : 'experiment' });
      if (i % 3 === 0) await app.game.guess(caller(i, 1), 'something');
    }
    if (app.game.activeCount() !== rounds) throw new Error('rounds did not all start');
    (globalThis as { gc?: () => void }).gc?.();
    const after = process.memoryUsage().rss;
    const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
    return {
      rss_mb_10k_rounds: mb(after),
      rss_mb_before_rounds: mb(before),
      round_kb_each: Math.round(((after - before) / rounds / 1024) * 100) / 100,
    };
  }, ladderCacheDir);
}

if (process.argv[2] === '--rounds') {
  benchRounds(10_000, process.argv[3]).then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
}
