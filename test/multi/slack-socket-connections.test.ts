/**
 * Slack Socket Mode with several connections: three real bot processes (`src/main.ts`) on one PostgreSQL
 * connect to the fake Slack with the same app token, and the fake spreads envelopes round-robin over the
 * connections, as Slack does. Each envelope is handled once (one answer, one stored guess), a redelivery
 * of an envelope to another connection is recognised, and a round started through one plays through to
 * its recap on one round message, every step once. Polled with deadlines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { postgresEngine, type TestDatabase } from '../fakes/databases.ts';
import { APP_TOKEN, BOT_TOKEN, FakeSlack, type FakeUser, type StoredMessage } from '../slack/fake-slack.ts';
import { ephemeralText, header } from '../slack/inspect.ts';
import { startBot, waitFor, type Bot } from './proc.ts';

const CHANNEL = 'C0SOCKET';
const PLAYERS: FakeUser[] = Array.from({ length: 9 }, (_, i) => ({ id: `UQ${i}`, name: `q${i}`, display_name: `Q${i}`, locale: 'en-US' }));
const USERS: FakeUser[] = [{ id: 'UHOST', name: 'hostess', display_name: 'Hostess', locale: 'en-US' }, ...PLAYERS];
const WRONG = ['sunflowers', 'starry night', 'the scream'];

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

function headers(m: StoredMessage | undefined): string[] {
  return (m?.versions ?? []).map((v) => header(v)?.replace(/ ·.*$/, '')).filter((h): h is string => Boolean(h));
}

describe('Slack Socket Mode, three instances with one app token', () => {
  it('spreads envelopes over the connections; each is handled once; a round plays through', async () => {
    dir = mkdtempSync(join(tmpdir(), 'emergence-multi-socket-'));
    db = await postgresEngine.create();
    client = new pg.Client({ connectionString: db.location });
    await client.connect();
    slack = await FakeSlack.start({ users: USERS });
    for (const i of [0, 1, 2]) {
      bots.push(
        startBot({
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_APP_TOKEN: APP_TOKEN,
          SLACK_MODE: 'socket',
          SLACK_API_URL: slack.apiUrl,
          SLACK_HOST_USERS: 'UHOST',
          DATABASE_URL: db.location,
          LADDER_CACHE_DIR: join(dir, `ladders-${i}`),
          STEP_SECONDS: '3',
        }),
      );
    }
    await waitFor('three Socket Mode connections', () => slack!.connectionCount === 3, 180_000, bots);
    const slash = (user: string, text: string, o: { envelopeId?: string; retryAttempt?: number; connection?: number } = {}) =>
      slack!.sendEnvelope('slash_commands', slack!.slashPayload({ command: '/emergence', text, user, channel: CHANNEL }), o);

    await slash('UHOST', 'play deck:masterpieces item:the-kiss mode:experiment');
    const roundMessage = () => slack!.messages.find((m) => m.channel === CHANNEL && !m.thread_ts && headers(m)[0]?.startsWith('What is it? Step 1/6'));
    await waitFor('the round message', () => roundMessage(), 60_000, bots);
    const roundId = (await client.query<{ id: string }>('SELECT id FROM rounds')).rows[0]!.id;

    // Nine players, one wrong guess each, all at once: three envelopes per connection.
    await Promise.all(PLAYERS.map((p, i) => slash(p.id, `guess ${WRONG[i % 3]}`, { envelopeId: `guess-${p.id}` })));
    // Slack sends one of them again (a lost ack), this time over another connection: it is recognised.
    const first = slack.envelopes.find((e) => e.envelope_id === `guess-${PLAYERS[0]!.id}`)!;
    const other = (first.connection! % 3) + 1;
    await slash(PLAYERS[0]!.id, `guess ${WRONG[0]}`, { envelopeId: `guess-${PLAYERS[0]!.id}`, retryAttempt: 1, connection: other });
    const answered = (user: string) => slack!.ephemerals.filter((e) => e.user === user && ephemeralText(e).includes('Not it.'));
    await waitFor('every guess answered', () => PLAYERS.every((p) => answered(p.id).length >= 1), 60_000, bots);

    await waitFor('the round to end', () => headers(roundMessage()).some((h) => h.startsWith('It was: The Kiss')), 120_000, bots);
    const recap = () => slack!.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts && headers(m)[0]?.startsWith('It was:'));
    await waitFor('the recap', () => recap().length >= 1, 60_000, bots);

    // The envelopes went to all three connections, and each was acknowledged.
    const byConnection = new Map<number, number>();
    for (const e of slack.envelopes) byConnection.set(e.connection!, (byConnection.get(e.connection!) ?? 0) + 1);
    expect([...byConnection.keys()].sort()).toEqual([1, 2, 3]);
    expect(slack.envelopes.every((e) => e.ack)).toBe(true);
    // Each guess handled once: one stored guess and one answer per player, the redelivery included.
    const stored = (await client.query<{ player_id: string; verdict: string }>('SELECT player_id, verdict FROM guesses WHERE round_id = $1', [roundId])).rows;
    expect(stored.map((g) => g.player_id).sort()).toEqual(PLAYERS.map((p) => `slack:${p.id}`).sort());
    expect(stored.every((g) => g.verdict === 'wrong')).toBe(true);
    for (const p of PLAYERS) expect(answered(p.id)).toHaveLength(1);
    // The round played through on one message, every step once, and one recap.
    const shown = headers(roundMessage()).filter((h, i, all) => i === 0 || h !== all[i - 1]);
    expect(shown).toEqual([1, 2, 3, 4, 5, 6].map((n) => `What is it? Step ${n}/6`).concat('Last chance! Step 6/6', expect.stringMatching(/^It was: The Kiss\b/)));
    expect(recap()).toHaveLength(1);
    expect(await client.query('SELECT status, end_reason FROM rounds').then((r) => r.rows)).toEqual([{ status: 'ended', end_reason: 'timeout' }]);
    expect(slack.problems).toEqual([]);
  }, 400_000);
});
