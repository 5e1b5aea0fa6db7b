/**
 * The durable step timers on a real PostgreSQL: pg-boss jobs beside the local timers. An instance that
 * dies (its timers and worker gone, its lease left to expire) does not stop the round: another
 * instance's worker takes the due job and moves the step on, once. Real time: steps of 1 s, polled
 * with a deadline.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import type { Caller } from '../../src/core/commands/define.ts';
import { SystemClock } from '../../src/runtime/clock.ts';
import { postgresEngine, type TestDatabase } from '../fakes/databases.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';

const host: Caller = {
  platform: 'terminal',
  userId: 'terminal:host',
  userName: 'host',
  locale: 'en',
  isHost: true,
  channelId: 'terminal:c1',
  scopeId: 'terminal:s1',
};

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('pg-boss step timers on PostgreSQL', () => {
  const apps: App[] = [];
  let db: TestDatabase;
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close().catch(() => undefined);
    await db?.drop();
  });

  async function instance() {
    const app = await createApp({
      log: pino({ level: 'silent' }),
      clock: new SystemClock(),
      databasePath: '',
      databaseUrl: db.location,
      stepSeconds: 1,
      ladderCacheDir: null,
    });
    apps.push(app);
    const sink = new RecordingSink();
    app.sinks.register('terminal', sink);
    return { app, sink };
  }

  it('a dead instance’s round goes on in another instance, each step once', async () => {
    db = await postgresEngine.create();
    const a = await instance();
    const b = await instance();
    await b.app.game.start();
    const { roundId } = await a.app.game.play(host, { item: 'mona-lisa' });
    expect(a.sink.kinds()).toEqual(['step:1']);
    // Instance A dies: its local timers and its worker stop; the jobs stay in PostgreSQL.
    await (a.app.game as unknown as { scheduler: { stop(): Promise<void> } }).scheduler.stop();
    await until(async () => b.sink.kinds().includes('step:3'), 'instance B to post steps 2 and 3');
    expect(b.sink.kinds().slice(0, 2)).toEqual(['step:2', 'step:3']);
    expect(a.sink.kinds()).toEqual(['step:1']);
    const row = await b.app.store.round(roundId);
    expect(row).toMatchObject({ status: 'running', owner_id: b.app.game.instanceId });
    expect(row!.step).toBeGreaterThanOrEqual(3);
  });
});
