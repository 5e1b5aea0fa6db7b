/**
 * Where plain chat is read as guesses, the first race round started in a channel also says what is kept
 * of its chat: once per channel, recorded in the database, so a second instance on the same database
 * (or a restart) does not say it again. Two apps on one database, on SQLite and PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/core/commands/define.ts';
import { plainText, type Reply } from '../../src/core/reply.ts';
import { t as translate } from '../../src/views/i18n.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';
import { caller, makeTestApp, type TestApp } from '../fakes/test-app.ts';

const NOTICE = plainText(translate({ locale: 'en', platform: 'slack' }, 'notice.chat-guesses'));
const host = (channel: string, platform: Caller['platform'] = 'slack'): Caller =>
  caller('host', { platform, userId: `${platform}:host`, isHost: true, channelId: `${platform}:${channel}`, scopeId: `${platform}:T1` });
const texts = (replies: Reply[]) => replies.map((r) => plainText(r.text));

describe.each(engines)('the chat notice on $name', (engine) => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeEach(async () => {
    db = await engine.create();
    a = await makeTestApp({ databasePath: db.location, chatGuessPlatforms: ['slack'] });
    b = await makeTestApp({ databasePath: db.location, chatGuessPlatforms: ['slack'] });
  });
  afterEach(async () => {
    await a.cleanup();
    await b.cleanup();
    await db.drop();
  });

  it('is said with the first race round of a channel, once, whichever instance starts the next', async () => {
    expect(NOTICE).toContain('plain messages during a race are read as guesses');
    const first = texts(await a.app.dispatcher.run(host('C1'), 'play', { item: 'mona-lisa' }));
    expect(first.filter((x) => x === NOTICE)).toHaveLength(1);
    await a.app.dispatcher.run(host('C1'), 'stop', {});

    // Another instance, and this one again: the channel has heard it.
    expect(texts(await b.app.dispatcher.run(host('C1'), 'play', { item: 'the-kiss' }))).not.toContain(NOTICE);
    await b.app.dispatcher.run(host('C1'), 'stop', {});
    expect(texts(await a.app.dispatcher.run(host('C1'), 'play', { item: 'the-scream' }))).not.toContain(NOTICE);

    // Another channel hears it once too, from the other instance.
    expect(texts(await b.app.dispatcher.run(host('C2'), 'play', { item: 'mona-lisa' }))).toContain(NOTICE);
  });

  it('two instances starting the first rounds of one channel at once: said once', async () => {
    const [x, y] = await Promise.all([
      a.app.dispatcher.run(host('C3'), 'play', { item: 'mona-lisa' }),
      b.app.dispatcher.run(host('C3'), 'play', { item: 'the-kiss' }),
    ]);
    expect([...texts(x), ...texts(y)].filter((s) => s === NOTICE)).toHaveLength(1);
  });

  it('is not said where chat is not read: an experiment, a platform without chat guesses, a round that did not start', async () => {
    expect(texts(await a.app.dispatcher.run(host('C4'), 'play', { item: 'mona-lisa', mode: 'experiment' }))).not.toContain(NOTICE);
    await a.app.dispatcher.run(host('C4'), 'stop', {});
    expect(texts(await a.app.dispatcher.run(host('C5', 'discord'), 'play', { item: 'mona-lisa' }))).not.toContain(NOTICE);
    expect(texts(await a.app.dispatcher.run(host('C6'), 'play', { item: 'no-such-picture' }))).not.toContain(NOTICE);
    // The refused start did not use the channel's notice up: its first real race round says it.
    expect(texts(await a.app.dispatcher.run(host('C6'), 'play', { item: 'mona-lisa' }))).toContain(NOTICE);
    // The experiment in C4 did not use it up either.
    expect(texts(await a.app.dispatcher.run(host('C4'), 'play', { item: 'the-kiss' }))).toContain(NOTICE);
  });
});
