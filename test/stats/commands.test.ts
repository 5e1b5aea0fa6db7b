/** /stats and /privacy through the real dispatcher of a real app (SQLite file or PostgreSQL, decks, sharp). */
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plainText, type Reply } from '../../src/core/reply.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';
import { makeTestApp, caller, type TestApp } from '../fakes/test-app.ts';
import { A, B, seedFixture, uid } from './fixture.ts';

describe.each(engines)('on $name', (engine) => {
  let t: TestApp;
  let d: TestDatabase;
  beforeEach(async () => {
    d = await engine.create();
    t = await makeTestApp(engine.name === 'postgres' ? { databaseUrl: d.location } : {});
    await seedFixture(t.app.store);
  });
  afterEach(async () => {
    await t.cleanup();
    await d.drop();
  });

  const run = async (name: string, text: string, over = {}): Promise<Reply> => {
    const replies = await t.app.dispatcher.runText(caller(name, { scopeId: A, ...over }), text);
    expect(replies).toHaveLength(1);
    return replies[0]!;
  };
  const all = (r: Reply) => plainText([r.title ?? '', r.text, ...(r.fields ?? []).flatMap((f) => [f.name, f.value]), r.footer ?? ''].join('\n'));

  describe('/stats', () => {
    it('picture: a chart image and a text summary', async () => {
      const r = await run('asker', '/stats picture mona-lisa');
      expect(r.title).toBe('Emergence curve · Mona Lisa (蒙娜丽莎)');
      const text = all(r);
      expect(text).toContain('**10** players met it for the first time, in 2 servers. **6** recognised it; **4** did not.'.replace(/\*\*/g, ''));
      expect(text).toContain('Threshold: 8×8');
      expect(text).toContain('Instability: 1: on average, people recognised it 1 step away from the threshold');
      // The article's table, with the curve's share.
      expect(text).toContain('2×2: 0 new · 0 by then · 0%');
      expect(text).toContain('4×4: 2 new · 2 by then · 20%');
      expect(text).toContain('32×32: 1 new · 6 by then · 75%');
      expect(text).toContain('5 players · threshold 8×8 · instability 1'); // this server (A)
      expect(text).toContain('2×2: sunset (2), face (1), sky (1)');
      expect(r.images).toHaveLength(1);
      const img = r.images![0]!;
      expect(img.name).toBe('curve.png');
      const meta = await sharp(img.data).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 800, 500]);
      // Wrong guesses are user text: wrapped so adapters escape them.
      expect(r.fields!.find((f) => f.name === 'What people saw before they knew')!.value).toContain('\uE000sunset\uE001');
    });

    it('picture in Chinese', async () => {
      const r = await run('asker', '/stats picture 蒙娜丽莎', { locale: 'zh' });
      expect(r.title).toBe('涌现曲线 · 蒙娜丽莎（Mona Lisa）');
      expect(all(r)).toContain('阈值：8×8');
      expect(r.images).toHaveLength(1);
    });

    it('picture: unknown names and a missing target get a clear answer', async () => {
      const r = await run('asker', '/stats picture <@everyone>');
      expect(r.ephemeral).toBe(true);
      expect(plainText(r.text)).toBe('There is no picture called <@everyone>. Use the suggestions, or see `/decks`.');
      expect(r.text).toContain('\uE000<@everyone>\uE001'); // user text stays marked for escaping
      expect(plainText((await run('asker', '/stats picture')).text)).toBe('Say which picture, for example `/stats picture mona-lisa`.');
      expect(plainText((await run('asker', '/stats deck')).text)).toBe('Say which deck, for example `/stats deck masterpieces`.');
      expect(plainText((await run('asker', '/stats galaxy')).text)).toContain('view must be one of: picture, deck, me, server, knowledge');
    });

    it('a picture nobody played yet', async () => {
      const r = await run('asker', '/stats picture starry-night');
      expect(plainText(r.text)).toContain('Nobody has played The Starry Night');
      expect(r.images).toBeUndefined();
    });

    it('deck: the threshold table', async () => {
      const r = await run('asker', '/stats deck masterpieces');
      expect(r.title).toBe('Thresholds · Masterpieces');
      const lines = plainText(r.text).split('\n');
      expect(lines[1]).toBe('Mona Lisa (蒙娜丽莎) ★: threshold 8×8 · instability 1 · 6/10 recognised');
      expect(lines[2]).toMatch(/^The Kiss .* ★: threshold 16×16 · instability 0\.7 · 3\/3 recognised$/);
      expect(lines.at(-1)).toBe('10 pictures not played yet.');
    });

    it('me: personal threshold, only for the asker', async () => {
      const r = await run('p3', '/stats me');
      expect(r.ephemeral).toBe(true);
      expect(plainText(r.text)).toBe(
        [
          'You met 3 pictures and recognised 2 of them at first sight.',
          "Your median step: 4×4. Everyone's, on the same pictures: 16×16.",
          'Against each picture\'s threshold you were earlier on 1, right at it on 0 and later on 1.',
        ].join('\n'),
      );
      expect(plainText((await run('newcomer', '/stats me')).text)).toContain("You haven't finished a round yet");
    });

    it('server: totals and most played pictures', async () => {
      const r = await run('asker', '/stats server');
      expect(plainText(r.text)).toBe('4 rounds, 9 players, 21 guesses. 4 pictures met here.');
      expect(plainText(r.fields![0]!.value).split('\n')[0]).toBe('Mona Lisa (蒙娜丽莎): 8×8 · 8×8 (5 players here)');
      const empty = await run('asker', '/stats server', { scopeId: 'terminal:empty' });
      expect(plainText(empty.text)).toContain('No round has ended in this server yet');
    });

    it('knowledge (the default view): a table and one chart', async () => {
      const r = await run('asker', '/stats');
      expect(r.title).toBe('The knowledge effect');
      const lines = plainText(r.text).split('\n');
      expect(lines).toContain('Famous (2 pictures, 13 players): 0% · 23% · 31% · 62% · 81% · 81% · threshold 16×16');
      expect(lines).toContain('Less known (2 pictures, 4 players): 0% · 0% · 25% · 25% · 50% · 50% · threshold 8×8');
      expect(lines).toContain('Flags (1 picture, 2 players): 0% · 0% · 50% · 50% · 50% · 50% · threshold 8×8');
      expect(lines).toContain('Paintings (3 pictures, 15 players): 0% · 20% · 27% · 53% · 77% · 77% · threshold 16×16');
      expect(r.images).toHaveLength(1);
      const meta = await sharp(r.images![0]!.data).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 800, 500]);
    });

    it('autocomplete offers pictures and decks', async () => {
      const out = await t.app.dispatcher.autocomplete(caller('a'), 'stats', 'target', 'mona');
      expect(out[0]).toEqual({ value: 'mona-lisa', label: 'Mona Lisa · Masterpieces' });
      const decks = await t.app.dispatcher.autocomplete(caller('a'), 'stats', 'target', 'fla');
      expect(decks[0]).toEqual({ value: 'flags', label: 'Deck: Flags of the world' });
      const zh = await t.app.dispatcher.autocomplete(caller('a', { locale: 'zh' }), 'stats', 'target', '蒙娜');
      expect(zh[0]!.label).toBe('蒙娜丽莎 · 世界名画');
      expect((await t.app.dispatcher.autocomplete(caller('a', { locale: 'zh' }), 'stats', 'target', 'fla'))[0]!.label).toBe('图库：世界各国国旗');
    });

    it('rounds still running do not move the figures (no hint of the picture on screen)', async () => {
      const before = all(await run('asker', '/stats picture mona-lisa'));
      await t.app.dispatcher.runText(caller('host', { isHost: true, channelId: 'terminal:live' }), '/play deck:masterpieces item:mona-lisa mode:experiment');
      await t.app.dispatcher.runText(caller('z1', { channelId: 'terminal:live' }), '/guess mona lisa');
      expect(all(await run('asker2', '/stats picture mona-lisa'))).toBe(before);
      await t.app.dispatcher.runText(caller('host', { isHost: true, channelId: 'terminal:live' }), '/stop');
      expect(all(await run('asker3', '/stats picture mona-lisa'))).toContain('**11** players'.replace(/\*\*/g, ''));
    });
  });

  describe('/privacy', () => {
    const count = async (table: 'guesses' | 'scores', col: 'player_id', who?: string) => {
      let q = t.app.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
      if (who) q = q.where(col, '=', who);
      return (await q.executeTakeFirstOrThrow()).n;
    };

    it('info: what is kept', async () => {
      const r = await run('p1', '/privacy');
      expect(r.ephemeral).toBe(true);
      // p1: 2 guesses in R1, 2 in R2; scores: channel a1, b1, server s1, s2, global = 5 rows;
      // first solver of R1 and R2, host of R3 = 3 rounds.
      expect(plainText(r.text)).toContain('Right now: 4 guesses, 5 leaderboard rows, 3 rounds that name you.');
    });

    it('forget-me deletes only after the confirmation, only the asker, everywhere', async () => {
      const p1 = uid('p1');
      const totalGuesses = await count('guesses', 'player_id');
      const totalScores = await count('scores', 'player_id');
      expect(await count('guesses', 'player_id', p1)).toBe(4);

      const ask = await run('p1', '/privacy forget-me');
      expect(ask.ephemeral).toBe(true);
      expect(ask.title).toBe('Forget you everywhere?');
      const code = /confirm:([A-Z0-9]{6})/.exec(ask.text)![1]!;
      expect(ask.buttons).toEqual([{ id: `privacy:action=forget-me&confirm=${code}`, label: 'Delete my data', style: 'danger' }]);
      // Nothing is deleted by asking.
      expect(await count('guesses', 'player_id', p1)).toBe(4);

      // A wrong code, or somebody else's confirmation, deletes nothing.
      expect(plainText((await run('p1', '/privacy forget-me confirm:AAAAAA')).text)).toContain('nothing was deleted');
      expect(plainText((await run('p2', `/privacy forget-me confirm:${code}`)).text)).toBe('Nothing to confirm. Start with `/privacy forget-me`.');
      expect(await count('guesses', 'player_id')).toBe(totalGuesses);

      // Somebody else pressing the button (if they could see it) confirms nothing.
      const other = await t.app.dispatcher.runButton(caller('p2', { scopeId: A }), ask.buttons![0]!.id);
      expect(plainText(other[0]!.text)).toBe('Nothing to confirm. Start with `/privacy forget-me`.');
      expect(await count('guesses', 'player_id')).toBe(totalGuesses);
      // The button runs `/privacy forget-me confirm:<code>` for whoever presses it.
      const done = await t.app.dispatcher.runButton(caller('p1', { scopeId: A }), ask.buttons![0]!.id);
      expect(plainText(done[0]!.text)).toBe(
        'Done. Deleted 4 guesses and 5 leaderboard rows, and took your name off 3 rounds. If you play again, new guesses are recorded as usual.',
      );
      expect(await count('guesses', 'player_id', p1)).toBe(0);
      expect(await count('scores', 'player_id', p1)).toBe(0);
      expect(await count('guesses', 'player_id')).toBe(totalGuesses - 4);
      expect(await count('scores', 'player_id')).toBe(totalScores - 5);
      const db = t.app.store.db;
      expect(await db.selectFrom('players').selectAll().where('id', '=', p1).execute()).toEqual([]);
      expect(await db.selectFrom('players').selectAll().where('id', '=', uid('p2')).execute()).toHaveLength(1);
      const rounds = await db.selectFrom('rounds').select(['id', 'host_id', 'first_solver_id']).orderBy('id').execute();
      expect(rounds.filter((r) => r.host_id === p1 || r.first_solver_id === p1)).toEqual([]);
      expect(rounds.find((r) => r.id === 'R3')).toMatchObject({ host_id: 'forgotten', first_solver_id: uid('p8') });
      expect(rounds.find((r) => r.id === 'R1')!.first_solver_id).toBeNull();
      // Others' figures: mona-lisa now has 9 attempts.
      expect(all(await run('asker', '/stats picture mona-lisa'))).toContain('9 players met it');
      // The code is single-use.
      expect(plainText((await run('p1', `/privacy forget-me confirm:${code}`)).text)).toContain('Nothing to confirm');
    });

    it('the confirmation expires', async () => {
      const ask = await run('p1', '/privacy forget-me');
      const code = /confirm:([A-Z0-9]{6})/.exec(ask.text)![1]!;
      await t.clock.advance(11 * 60_000);
      expect(plainText((await run('p1', `/privacy forget-me ${code}`)).text)).toContain('expired and nothing was deleted');
      expect(await count('guesses', 'player_id', uid('p1'))).toBe(4);
    });

    it('works with a lower-case code typed in the text form, and in Chinese', async () => {
      const ask = await run('p6', '/privacy forget-me', { locale: 'zh', scopeId: B });
      expect(ask.title).toBe('在所有地方忘记你？');
      const code = /confirm:([A-Z0-9]{6})/.exec(ask.text)![1]!;
      const done = await run('p6', `/privacy forget-me confirm:${code.toLowerCase()}`, { locale: 'zh', scopeId: B });
      expect(plainText(done.text)).toContain('已完成。删除了 1 次猜测');
      expect(await count('guesses', 'player_id', uid('p6'))).toBe(0);
    });
  });
});
