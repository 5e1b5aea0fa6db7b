/** The Slack delivery log on a real SQLite file: first sight, repeats, two instances on one database, pruning. */
import { afterEach, describe, expect, it } from 'vitest';
import { SLACK_EVENT_KEEP_MS, SlackEventLog } from '../../src/storage/slack-events.ts';
import { makeTestApp, type TestApp } from '../fakes/test-app.ts';

let apps: TestApp[] = [];
afterEach(async () => {
  for (const a of apps.reverse()) await a.cleanup();
  apps = [];
});

describe('SlackEventLog', () => {
  it('says a delivery is new once; any key seen before makes it a repeat', async () => {
    const a = await makeTestApp();
    apps.push(a);
    const log = new SlackEventLog(a.app.store.db);
    const t0 = 1_767_225_600_000;
    expect(await log.firstSight(['ev:Ev1', 'req:1:v0=aa'], t0)).toBe(true);
    expect(await log.firstSight(['ev:Ev1', 'req:2:v0=bb'], t0 + 1)).toBe(false);
    expect(await log.firstSight(['req:1:v0=aa'], t0 + 2)).toBe(false);
    expect(await log.firstSight(['ev:Ev2'], t0 + 3)).toBe(true);
    expect(await log.firstSight([], t0 + 4)).toBe(true);
    const rows = await a.app.store.db.selectFrom('slack_events').select('event_id').orderBy('event_id').execute();
    expect(rows.map((r) => r.event_id)).toEqual(['ev:Ev1', 'ev:Ev2', 'req:1:v0=aa', 'req:2:v0=bb']);
  });

  it('holds across two instances on one database file', async () => {
    const a = await makeTestApp();
    apps.push(a);
    const b = await makeTestApp({ databasePath: a.dbPath });
    apps.push(b);
    const now = 1_767_225_600_000;
    expect(await new SlackEventLog(a.app.store.db).firstSight(['ev:Shared'], now)).toBe(true);
    expect(await new SlackEventLog(b.app.store.db).firstSight(['ev:Shared'], now + 5)).toBe(false);
  });

  it('forgets keys older than the keep window', async () => {
    const a = await makeTestApp();
    apps.push(a);
    const log = new SlackEventLog(a.app.store.db, { pruneEveryMs: 0 });
    const t0 = 1_767_225_600_000;
    await log.firstSight(['ev:Old'], t0);
    await log.firstSight(['ev:Recent'], t0 + SLACK_EVENT_KEEP_MS - 1_000);
    // The next delivery, just past the window of the first, prunes it: that event id is new again.
    expect(await log.firstSight(['ev:Later'], t0 + SLACK_EVENT_KEEP_MS + 1)).toBe(true);
    const left = await a.app.store.db.selectFrom('slack_events').select('event_id').orderBy('event_id').execute();
    expect(left.map((r) => r.event_id)).toEqual(['ev:Later', 'ev:Recent']);
    expect(await log.prune(t0 + 3 * SLACK_EVENT_KEEP_MS)).toBe(2);
  });
});
