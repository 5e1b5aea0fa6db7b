/**
 * Three Slack HTTP-mode processes (`src/main.ts`) on one database, behind a "load balancer" that spreads
 * the fake Slack's requests round-robin over them. A round plays; 100 simultaneous correct guesses spread
 * across the three give exactly one winner and one recap; kill -9 of the instance that started (and
 * scheduled) a round: another finishes it, every step posted once.
 * Runs on the SQLite file shared by the three processes; with DATABASE_URL set in `env` the same test
 * runs on PostgreSQL. Polled with deadlines.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_TOKEN, FakeSlack, SIGNING_SECRET, formBody, signedPost, type FakeUser } from '../slack/fake-slack.ts';
import { header } from '../slack/inspect.ts';
import { startBot, waitFor, type Bot } from './proc.ts';

const CHANNEL = 'C0MULTI';
const PLAYERS: FakeUser[] = Array.from({ length: 100 }, (_, i) => ({ id: `UP${String(i).padStart(3, '0')}`, name: `p${i}`, display_name: `P${i}`, locale: 'en-US' }));
const USERS: FakeUser[] = [{ id: 'UHOST', name: 'hostess', display_name: 'Hostess', locale: 'en-US' }, ...PLAYERS];

let dir = '';
let slack: FakeSlack | undefined;
const bots: Bot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.kill9();
  await slack?.stop();
  slack = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function rounds(): { id: string; status: string; end_reason: string | null; first_solver_id: string | null; message_ref: string | null }[] {
  const db = new Database(join(dir, 'e.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, status, end_reason, first_solver_id, message_ref FROM rounds ORDER BY started_at').all() as never;
  } finally {
    db.close();
  }
}

function wins(roundId: string): number {
  const db = new Database(join(dir, 'e.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM guesses WHERE round_id = ? AND verdict = 'correct' AND first = 1").get(roundId) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('three Slack HTTP replicas on one database, requests round-robin', () => {
  it('one winner of 100 simultaneous guesses; kill -9 of the scheduling instance: another finishes the round, every step once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'emergence-multi-slack-'));
    slack = await FakeSlack.start({ users: USERS });
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports) {
      bots.push(
        startBot({
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_MODE: 'http',
          SLACK_API_URL: slack.apiUrl,
          SLACK_HOST_USERS: 'UHOST',
          PORT: String(port),
          DATABASE_PATH: join(dir, 'e.db'),
          LADDER_CACHE_DIR: join(dir, 'ladders'),
          STEP_SECONDS: '3',
        }),
      );
    }
    const urls = ports.map((p) => `http://127.0.0.1:${p}/slack/events`);
    let next = 0;
    const slash = async (user: string, text: string, to?: number) => {
      const i = to ?? next++ % urls.length;
      const res = await signedPost(urls[i]!, formBody(slack!.slashPayload({ command: '/emergence', text, user, channel: CHANNEL })), { secret: SIGNING_SECRET });
      if (res.status !== 200) throw new Error(`HTTP ${res.status} from instance ${i}`);
      return i;
    };
    // Up: a request with a bad signature gets 401 from each instance.
    for (const url of urls) {
      await waitFor(`${url} listening`, async () => (await signedPost(url, 'x=1', { secret: 'wrong' })).status === 401, 180_000, bots);
    }

    // A race round, and 100 correct guesses at once, spread over the three.
    await slash('UHOST', 'play deck:masterpieces item:mona-lisa mode:race step-seconds:30');
    await waitFor('the race round', () => rounds().length === 1, 60_000, bots);
    const race = rounds()[0]!;
    await Promise.all(PLAYERS.map((p) => slash(p.id, 'guess mona lisa')));
    await waitFor('the race to end', () => rounds()[0]!.status === 'ended', 60_000, bots);
    expect(rounds()[0]).toMatchObject({ id: race.id, status: 'ended', end_reason: 'solved' });
    expect(PLAYERS.map((p) => `slack:${p.id}`)).toContain(rounds()[0]!.first_solver_id);
    expect(wins(race.id)).toBe(1);
    const recaps = () => slack!.messages.filter((m) => m.channel === CHANNEL && m.versions.some((v) => (header(v) ?? v.text ?? '').startsWith('It was:')));
    await waitFor('the race recap', () => recaps().length >= 1, 90_000, bots);
    expect(recaps()).toHaveLength(1);

    // An experiment round started through one instance, which scheduled its steps; it dies after step 2.
    const starter = await slash('UHOST', 'play deck:masterpieces item:the-kiss mode:experiment', 1);
    await waitFor('the experiment round', () => rounds().length === 2, 60_000, bots);
    const exp = rounds()[1]!;
    // The second round message in the channel (the first is the race's).
    const roundMessage = () => slack!.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts && m.versions.some((v) => header(v)?.startsWith('What is it? Step 1/6')))[1];
    const headers = () => (roundMessage()?.versions ?? []).map((v) => header(v)?.replace(/ ·.*$/, '')).filter((h): h is string => Boolean(h));
    await waitFor('step 2 of the experiment', () => headers().includes('What is it? Step 2/6'), 60_000, bots);
    await bots[starter]!.kill9();

    await waitFor('the experiment to end on another instance', () => rounds()[1]!.status === 'ended' && recaps().length === 2, 120_000, bots);
    expect(rounds()[1]).toMatchObject({ id: exp.id, status: 'ended', end_reason: 'timeout' });
    // Every step posted once, in order (consecutive versions of one step are one post: the closing edit
    // only takes the button away). The instance that goes on posts from the next step: with a Slack sink
    // that keeps the round message's reference in the database, on the same message.
    const expMessages = slack.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts).slice(2);
    const shown = expMessages
      .flatMap((m) => m.versions.map((v) => header(v)?.replace(/ ·.*$/, '')))
      .filter((h): h is string => Boolean(h) && /Step \d\/6/.test(h!))
      .filter((h, i, all) => i === 0 || h !== all[i - 1]);
    expect(shown).toEqual([1, 2, 3, 4, 5, 6].map((n) => `What is it? Step ${n}/6`).concat('Last chance! Step 6/6'));
    expect(roundMessage()).toBeDefined();
    // One picture upload per step in the round's thread.
    const stepFiles = slack.callsTo('files.getUploadURLExternal').map((c) => String(c.params.filename)).filter((f) => /^step-\d\.png$/.test(f));
    // The race showed step 1 only; the experiment each step once.
    expect(stepFiles.filter((f) => f === 'step-1.png')).toHaveLength(2);
    for (const n of [2, 3, 4, 5]) expect(stepFiles.filter((f) => f === `step-${n}.png`)).toHaveLength(1);
  }, 600_000);
});
