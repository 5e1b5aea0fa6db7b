/**
 * Three Slack HTTP-mode processes (`src/main.ts`) on one PostgreSQL database (a database of their own in
 * the test cluster), behind a "load balancer" that spreads the fake Slack's requests round-robin over
 * them. 100 simultaneous correct guesses spread across the three give exactly one winner and one recap;
 * kill -9 of the instance that started (and scheduled) a round: the pg-boss backstop lets another one
 * finish it, on the same round message, every step posted once, committed guesses kept. Polled with deadlines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { postgresEngine, type TestDatabase } from '../fakes/databases.ts';
import { BOT_TOKEN, FakeSlack, SIGNING_SECRET, formBody, signedPost, type FakeUser, type StoredMessage } from '../slack/fake-slack.ts';
import { header } from '../slack/inspect.ts';
import { freePort, startBot, waitFor, type Bot } from './proc.ts';

const CHANNEL = 'C0MULTI';
const PLAYERS: FakeUser[] = Array.from({ length: 100 }, (_, i) => ({ id: `UP${String(i).padStart(3, '0')}`, name: `p${i}`, display_name: `P${i}`, locale: 'en-US' }));
const USERS: FakeUser[] = [{ id: 'UHOST', name: 'hostess', display_name: 'Hostess', locale: 'en-US' }, ...PLAYERS];

let dir = '';
let db: TestDatabase | undefined;
let client: pg.Client | undefined;
let slack: FakeSlack | undefined;
const bots: Bot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.kill9();
  await slack?.stop();
  slack = undefined;
  await client?.end();
  client = undefined;
  await db?.drop();
  db = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

interface RoundRow {
  id: string;
  status: string;
  step: number;
  end_reason: string | null;
  first_solver_id: string | null;
  message_ref: string | null;
}

async function rounds(): Promise<RoundRow[]> {
  const r = await client!.query<RoundRow>('SELECT id, status, step, end_reason, first_solver_id, message_ref FROM rounds ORDER BY started_at');
  return r.rows;
}

async function guesses(roundId: string): Promise<{ player_id: string; verdict: string; first: number; step: number }[]> {
  const r = await client!.query('SELECT player_id, verdict, first, step FROM guesses WHERE round_id = $1 ORDER BY id', [roundId]);
  return r.rows as never;
}

/** A message's headers, one per version, without the " · …" tail. */
function headers(m: StoredMessage | undefined): string[] {
  return (m?.versions ?? []).map((v) => header(v)?.replace(/ ·.*$/, '')).filter((h): h is string => Boolean(h));
}

/** The recaps posted in the channel (the round message's own closing edit is not one). */
function recaps(): StoredMessage[] {
  return slack!.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts && headers(m)[0]?.startsWith('It was:'));
}

/** Round messages: channel messages whose first version shows step 1. */
function roundMessages(): StoredMessage[] {
  return slack!.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts && headers(m)[0]?.startsWith('What is it? Step 1/6'));
}

describe('three Slack HTTP replicas on one PostgreSQL, requests round-robin', () => {
  it('one winner and one recap of 100 simultaneous guesses; kill -9 of the scheduling instance: another finishes the round, every step once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'emergence-multi-slack-'));
    db = await postgresEngine.create();
    client = new pg.Client({ connectionString: db.location });
    await client.connect();
    slack = await FakeSlack.start({ users: USERS });
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const [i, port] of ports.entries()) {
      bots.push(
        startBot(
          {
            SLACK_BOT_TOKEN: BOT_TOKEN,
            SLACK_SIGNING_SECRET: SIGNING_SECRET,
            SLACK_MODE: 'http',
            SLACK_API_URL: slack.apiUrl,
            SLACK_HOST_USERS: 'UHOST',
            PORT: String(port),
            DATABASE_URL: db.location,
            // Each its own cache: three processes writing one cache file would test the cache, not the rounds.
            LADDER_CACHE_DIR: join(dir, `ladders-${i}`),
            STEP_SECONDS: '3',
          },
          `bot${i}`,
        ),
      );
    }
    const urls = ports.map((p) => `http://127.0.0.1:${p}/slack/events`);
    let next = 0;
    const deliver = (user: string, text: string, i: number) =>
      signedPost(urls[i]!, formBody(slack!.slashPayload({ command: '/emergence', text, user, channel: CHANNEL })), { secret: SIGNING_SECRET });
    const slash = async (user: string, text: string, to?: number) => {
      const i = to ?? next++ % urls.length;
      const res = await deliver(user, text, i).catch((e: unknown) => {
        // A refused connection means the instance is gone: say why, from its own output.
        const b = bots[i];
        throw new Error(`instance ${i} did not answer (${String(e)}); exit ${b?.child.exitCode ?? 'none'} ${b?.child.signalCode ?? ''}\n--- stderr:\n${b?.err().slice(-4000)}\n--- stdout:\n${b?.out().slice(-4000)}`);
      });
      // 404 is Bolt's answer when a listener has not acknowledged within 3 s (a starved machine): the
      // command still runs, and each caller waits for its outcome in the database or the channel.
      if (res.status !== 200 && res.status !== 404) throw new Error(`HTTP ${res.status} from instance ${i}`);
      return i;
    };
    // Up: a request with a bad signature gets 401 from each instance.
    for (const url of urls) {
      await waitFor(`${url} listening`, async () => (await signedPost(url, 'x=1', { secret: 'wrong' })).status === 401, 180_000, bots);
    }

    // A race round, and 100 correct guesses at once, spread over the three.
    await slash('UHOST', 'play deck:masterpieces item:mona-lisa mode:race step-seconds:30');
    await waitFor('the race round', async () => (await rounds()).length === 1, 60_000, bots);
    const race = (await rounds())[0]!;
    // The guesses come once the round message is up, as players see it (a winner committed before the
    // starting instance has posted step 1 is a separate case: the recap then comes without the message).
    await waitFor('the race round message', () => roundMessages().length === 1, 60_000, bots);
    // On a starved machine an instance may not acknowledge all of a burst within Slack's 3 s (Bolt then
    // answers with an error, and Slack would show the player a timeout), and a reused keep-alive socket the
    // server has just closed fails the request outright (status 0 here); the outcome must hold anyway.
    const statuses = await Promise.all(
      PLAYERS.map(async (p) => (await deliver(p.id, 'guess mona lisa', next++ % urls.length).catch(() => ({ status: 0 }))).status),
    );
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    await waitFor('the race to end', async () => (await rounds())[0]!.status === 'ended', 60_000, bots);
    const ended = (await rounds())[0]!;
    expect(ended).toMatchObject({ id: race.id, status: 'ended', end_reason: 'solved' });
    expect(PLAYERS.map((p) => `slack:${p.id}`)).toContain(ended.first_solver_id);
    const raceGuesses = await guesses(race.id);
    expect(raceGuesses.filter((g) => g.first === 1)).toEqual([expect.objectContaining({ player_id: ended.first_solver_id, verdict: 'correct' })]);
    await waitFor('the race recap', () => recaps().length >= 1, 90_000, bots);
    // One round message, closed (its last version names the answer, without the Guess button), one recap.
    await waitFor('the race round message closed', () => roundMessages().length === 1 && headers(roundMessages()[0]).at(-1)?.startsWith('It was:'), 60_000, bots);
    expect(recaps()).toHaveLength(1);
    expect(headers(recaps()[0])).toEqual([expect.stringMatching(/^It was: Mona Lisa\b/)]);
    // Every correct guess answered: the winner, and the others told they were late (nothing was lost).
    expect(raceGuesses.filter((g) => g.verdict === 'correct').length).toBe(raceGuesses.length);

    // An experiment round started through instance 1, which scheduled its steps; it dies after step 2.
    const starter = await slash('UHOST', 'play deck:masterpieces item:the-kiss mode:experiment', 1);
    await waitFor('the experiment round', async () => (await rounds()).length === 2, 60_000, bots);
    const exp = (await rounds())[1]!;
    const expMessage = () => roundMessages()[1];
    await waitFor('step 2 of the experiment', () => headers(expMessage()).includes('What is it? Step 2/6'), 60_000, bots);
    // Two wrong guesses at step 2 (through the survivors), committed before the kill.
    await slash('UP001', 'guess sunflowers', 0);
    await slash('UP002', 'guess starry night', 2);
    await waitFor('the two guesses committed', async () => (await guesses(exp.id)).length === 2, 30_000, bots);
    await bots[starter]!.kill9();

    await waitFor('the experiment to end on another instance', async () => (await rounds())[1]!.status === 'ended' && recaps().length === 2, 120_000, bots);
    expect((await rounds())[1]).toMatchObject({ id: exp.id, status: 'ended', end_reason: 'timeout' });
    // Every step posted once, in order, on the same round message: consecutive versions with one header are
    // one post (the closing edit only takes the button away).
    expect(roundMessages()).toHaveLength(2);
    const shown = headers(expMessage()).filter((h, i, all) => i === 0 || h !== all[i - 1]);
    expect(shown).toEqual([1, 2, 3, 4, 5, 6].map((n) => `What is it? Step ${n}/6`).concat('Last chance! Step 6/6', expect.stringMatching(/^It was: The Kiss\b/)));
    // One picture upload per step in the round's thread.
    const stepFiles = slack.callsTo('files.getUploadURLExternal').map((c) => String(c.params.filename)).filter((f) => /^step-\d\.png$/.test(f));
    expect(stepFiles.filter((f) => f === 'step-1.png')).toHaveLength(2);
    for (const n of [2, 3, 4, 5, 6]) expect(stepFiles.filter((f) => f === `step-${n}.png`)).toHaveLength(1);
    // The committed guesses kept.
    // Typed at step 2; with 3 s steps on a starved machine the second may commit at step 3.
    // Sorted: a command acknowledged late (Bolt's 404) is still handled, perhaps after the next one.
    const kept = (await guesses(exp.id)).sort((a, b) => a.player_id.localeCompare(b.player_id));
    expect(kept.map((g) => [g.player_id, g.verdict])).toEqual([
      ['slack:UP001', 'wrong'],
      ['slack:UP002', 'wrong'],
    ]);
    for (const g of kept) expect([2, 3]).toContain(g.step);
  }, 600_000);
});
