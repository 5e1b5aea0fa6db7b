import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPlausibleChatGuess } from '../../src/core/game/chat-guess.ts';
import { caller, makeTestApp, runningRound, type TestApp } from '../fakes/test-app.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  t.app.sinks.register('discord', new RecordingSink());
});
afterEach(async () => t.cleanup());

const host = caller('host', { platform: 'discord', userId: 'discord:host', isHost: true, channelId: 'discord:c1' });
const ann = caller('ann', { platform: 'discord', userId: 'discord:ann', channelId: 'discord:c1' });

async function guessRows() {
  return t.app.store.db.selectFrom('guesses').select(['player_id', 'verdict']).orderBy('id').execute();
}

describe('Dispatcher: outcomes beside the replies', () => {
  it('reports a guess verdict and the win, with no reading of reply text', async () => {
    await t.app.dispatcher.dispatch(host, { kind: 'command', name: 'play', raw: { deck: 'masterpieces', item: 'mona-lisa' } });
    const wrong = await t.app.dispatcher.dispatch(ann, { kind: 'chat-guess', text: 'a sunset' });
    expect(wrong.outcome).toMatchObject({ kind: 'guess', guess: { kind: 'judged', verdict: 'wrong', first: false, roundEnded: false } });
    const right = await t.app.dispatcher.dispatch(ann, { kind: 'command', name: 'guess', raw: { answer: 'mona lisa' } });
    expect(right.outcome).toMatchObject({ kind: 'guess', guess: { kind: 'judged', verdict: 'correct', first: true, roundEnded: true } });
    expect(right.replies.length).toBeGreaterThan(0);
  });

  it('ignores chat that cannot be an answer: not judged, not stored, no reply', async () => {
    await t.app.dispatcher.dispatch(host, { kind: 'command', name: 'play', raw: { deck: 'masterpieces', item: 'mona-lisa' } });
    for (const text of [
      'look at https://example.com/mona-lisa',
      'hey <@123456789> is it mona lisa?',
      'mona lisa @everyone',
      'this is a long sentence of chat that goes on and on about nothing in particular at all',
      '```mona lisa```',
    ]) {
      const d = await t.app.dispatcher.dispatch(ann, { kind: 'chat-guess', text });
      expect(d).toEqual({ replies: [], outcome: { kind: 'ignored', reason: 'not-an-answer' } });
    }
    expect(await guessRows()).toEqual([]);
    expect((await runningRound(t.app, 'discord:c1'))?.status).toBe('running');
  });

  it('a chat guess over the rate limit is dropped silently; a command over it gets a clear answer', async () => {
    await t.app.dispatcher.dispatch(host, { kind: 'command', name: 'play', raw: { deck: 'masterpieces', item: 'mona-lisa' } });
    for (let i = 0; i < 8; i++) await t.app.dispatcher.dispatch(ann, { kind: 'command', name: 'hint', raw: {} });
    const chat = await t.app.dispatcher.dispatch(ann, { kind: 'chat-guess', text: 'mona lisa' });
    expect(chat).toEqual({ replies: [], outcome: { kind: 'ignored', reason: 'rate-limited' } });
    const cmd = await t.app.dispatcher.dispatch(ann, { kind: 'command', name: 'hint', raw: {} });
    expect(cmd.replies[0]!.text).toMatch(/slow down/i);
    expect(await guessRows()).toEqual([]);
  });

  it('the limit is kept in the database, so it holds across instances, and a new window lets the user in again', async () => {
    const t2 = await makeTestApp({ dir: t.dir, databasePath: t.dbPath, clock: t.clock });
    for (let i = 0; i < 4; i++) await t.app.dispatcher.dispatch(ann, { kind: 'command', name: 'help', raw: {} });
    for (let i = 0; i < 4; i++) await t2.app.dispatcher.dispatch(ann, { kind: 'command', name: 'help', raw: {} });
    expect((await t2.app.dispatcher.dispatch(ann, { kind: 'command', name: 'help', raw: {} })).replies[0]!.text).toMatch(/slow down/i);
    expect((await t.app.dispatcher.dispatch(ann, { kind: 'command', name: 'help', raw: {} })).replies[0]!.text).toMatch(/slow down/i);
    await t.clock.advance(10_000);
    expect((await t2.app.dispatcher.dispatch(ann, { kind: 'command', name: 'help', raw: {} })).replies[0]!.text).not.toMatch(/slow down/i);
    await t2.app.store.close();
  });

  it('never limits the terminal’s local user (a scripted game can always /stop)', async () => {
    const local = caller('me', { isHost: true });
    await t.app.dispatcher.runText(local, '/play deck:masterpieces item:mona-lisa');
    t.app.sinks.register('terminal', new RecordingSink());
    for (let i = 0; i < 20; i++) await t.app.dispatcher.runText(local, '/hint');
    const stop = await t.app.dispatcher.runText(local, '/stop');
    expect(stop.map((r) => r.text).join(' ')).not.toMatch(/slow down/i);
    expect(await runningRound(t.app, local.channelId)).toBeUndefined();
  });
});

describe('isPlausibleChatGuess', () => {
  it('takes short names and refuses links, mentions, code and long chat', () => {
    expect(isPlausibleChatGuess('Mona Lisa')).toBe(true);
    expect(isPlausibleChatGuess('蒙娜丽莎')).toBe(true);
    expect(isPlausibleChatGuess('the starry night by van gogh')).toBe(true);
    expect(isPlausibleChatGuess('www.example.com')).toBe(false);
    expect(isPlausibleChatGuess('<#123>')).toBe(false);
    expect(isPlausibleChatGuess('line one\nline two')).toBe(false);
    expect(isPlausibleChatGuess('x'.repeat(61))).toBe(false);
    expect(isPlausibleChatGuess('/play')).toBe(false);
  });
});

describe('Forget-me codes live in the database', () => {
  it('a code asked for on one instance is confirmed on another, once', async () => {
    const t2 = await makeTestApp({ dir: t.dir, databasePath: t.dbPath, clock: t.clock });
    await t.app.dispatcher.dispatch(host, { kind: 'command', name: 'play', raw: { deck: 'masterpieces', item: 'mona-lisa' } });
    await t.app.dispatcher.dispatch(ann, { kind: 'command', name: 'guess', raw: { answer: 'a sunset' } });
    await t.clock.advance(200_000);
    const req = await t.app.services.privacy!.requestForget(ann);
    await expect(t2.app.services.privacy!.confirmForget(ann, 'WRONG1')).rejects.toMatchObject({ code: 'privacy-bad-code' });
    const done = await t2.app.services.privacy!.confirmForget(ann, req.code.toLowerCase());
    expect(done.guesses).toBe(1);
    await expect(t.app.services.privacy!.confirmForget(ann, req.code)).rejects.toMatchObject({ code: 'privacy-no-request' });
    await t2.app.store.close();
  });
});
