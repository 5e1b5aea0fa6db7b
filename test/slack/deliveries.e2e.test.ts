/**
 * Each Slack delivery is handled once: HTTP requests timestamped in the future are refused,
 * a replayed signed request, Slack's retries of an event (X-Slack-Retry-Num, same event_id)
 * and a Socket Mode envelope sent again are acknowledged and dropped — across instances on
 * one database too. Real Bolt against the fake Slack, a real SQLite file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EVENTS_PATH } from '../../src/adapters/slack/start.ts';
import { SIGNING_SECRET, formBody, sign, signedPost } from './fake-slack.ts';
import { CHANNEL, makeWorld, waitFor, type World } from './harness.ts';

let worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.reverse()) await w.close();
  worlds = [];
});

async function world(...args: Parameters<typeof makeWorld>): Promise<World> {
  const w = await makeWorld(...args);
  worlds.push(w);
  return w;
}

const url = (w: World) => `http://127.0.0.1:${w.running.port}${EVENTS_PATH}`;
const now = () => Math.floor(Date.now() / 1000);

async function guessRows(w: World): Promise<number> {
  return (await w.t.app.store.db.selectFrom('guesses').select('id').execute()).length;
}

describe('Slack HTTP mode: requests handled once', { timeout: 30_000 }, () => {
  it('refuses a request timestamped more than 5 minutes ahead with 401, and runs nothing', async () => {
    const w = await world('http');
    const body = formBody(w.slack.slashPayload({ command: '/emergence', text: 'help', user: 'UALICE', channel: CHANNEL }));
    const before = w.slack.calls.length;
    const ahead = await signedPost(url(w), body, { secret: SIGNING_SECRET, timestamp: now() + 10 * 60 });
    expect(ahead.status).toBe(401);
    await w.settle();
    expect(w.running.adapter.started).toBe(0);
    expect(w.slack.calls.length).toBe(before);
    // A clock a little ahead (within Slack's 5 minutes) is fine.
    const slightly = await signedPost(url(w), body, { secret: SIGNING_SECRET, timestamp: now() + 60 });
    expect(slightly.status).toBe(200);
    await waitFor(() => w.slack.ephemerals.length === 1, 'the help');
  });

  it('handles a replayed signed request (same timestamp and signature) once', async () => {
    const w = await world('http');
    const body = formBody(w.slack.slashPayload({ command: '/emergence', text: 'help', user: 'UALICE', channel: CHANNEL }));
    const timestamp = now();
    const signature = sign(SIGNING_SECRET, timestamp, body);
    const first = await signedPost(url(w), body, { secret: SIGNING_SECRET, timestamp, signature });
    expect(first.status).toBe(200);
    const replay = await signedPost(url(w), body, { secret: SIGNING_SECRET, timestamp, signature });
    expect(replay.status).toBe(200);
    await waitFor(() => w.running.repeatsIgnored === 1, 'the replay to be dropped');
    await w.settle();
    expect(w.running.adapter.started).toBe(1);
    expect(w.slack.ephemerals).toHaveLength(1);
  });

  it('recognises Slack’s retries of an event (X-Slack-Retry-Num, same event_id) and handles the event once', async () => {
    const w = await world('http');
    await w.slash('UHOST', 'play deck:masterpieces item:mona-lisa mode:race');
    const event = w.slack.messageEventBody({ user: 'UBOB', channel: CHANNEL, text: 'sunflowers' });
    await w.event(event);
    expect(await guessRows(w)).toBe(1);
    const started = w.running.adapter.started;
    // Slack signs each retry afresh: a new timestamp, so a new signature; the event_id is the same.
    const retry = await signedPost(url(w), JSON.stringify(event), {
      secret: SIGNING_SECRET,
      timestamp: now() + 1,
      contentType: 'application/json',
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    await waitFor(() => w.running.repeatsIgnored === 1, 'the retry to be dropped');
    await w.settle();
    expect(w.running.adapter.started).toBe(started);
    expect(await guessRows(w)).toBe(1);
    const seen = await w.t.app.store.db.selectFrom('slack_events').select('event_id').where('event_id', '=', `ev:${String(event.event_id)}`).execute();
    expect(seen).toHaveLength(1);
  });

  it('drops a retry that reaches another instance on the same database', async () => {
    const a = await world('http');
    const b = await world('http', { databasePath: a.t.dbPath });
    const event = a.slack.messageEventBody({ user: 'UBOB', channel: CHANNEL, text: 'hello there' });
    await a.event(event);
    const retry = await signedPost(url(b), JSON.stringify(event), {
      secret: SIGNING_SECRET,
      timestamp: now() + 1,
      contentType: 'application/json',
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    await waitFor(() => b.running.repeatsIgnored === 1, 'instance B to drop the retry');
    await b.settle();
    expect(b.running.adapter.started).toBe(0);
    expect(a.running.adapter.started).toBe(1);
  });
});

describe('Slack Socket Mode: envelopes handled once', { timeout: 30_000 }, () => {
  it('acknowledges an envelope sent again (same envelope id) without handling it twice', async () => {
    const w = await world('socket');
    const payload = w.slack.slashPayload({ command: '/emergence', text: 'help', user: 'UALICE', channel: CHANNEL });
    await w.slack.sendEnvelope('slash_commands', payload, { envelopeId: 'env-1' });
    await waitFor(() => w.slack.ephemerals.length === 1, 'the help');
    const again = await w.slack.sendEnvelope('slash_commands', payload, { envelopeId: 'env-1', retryAttempt: 1 });
    expect(again).toEqual({});
    await waitFor(() => w.running.repeatsIgnored === 1, 'the envelope to be dropped');
    await w.settle();
    expect(w.running.adapter.started).toBe(1);
    expect(w.slack.ephemerals).toHaveLength(1);
  });

  it('handles an event retried in a new envelope (same event_id) once', async () => {
    const w = await world('socket');
    await w.slash('UHOST', 'play deck:masterpieces item:mona-lisa mode:race');
    const event = w.slack.messageEventBody({ user: 'UBOB', channel: CHANNEL, text: 'sunflowers' });
    await w.event(event);
    expect(await guessRows(w)).toBe(1);
    const started = w.running.adapter.started;
    await w.slack.sendEnvelope('events_api', event, { retryAttempt: 1 });
    await waitFor(() => w.running.repeatsIgnored === 1, 'the retried event to be dropped');
    await w.settle();
    expect(w.running.adapter.started).toBe(started);
    expect(await guessRows(w)).toBe(1);
  });
});
