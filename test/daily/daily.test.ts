/**
 * The daily challenge through the real dispatcher of a real app (SQLite file and PostgreSQL, real decks
 * and ladders, the fake clock): the picture of the day, one private play per day at the player's pace,
 * the spoiler-free share line, /daily stats hidden until the player finished, and the plays in the
 * statistics as first encounters.
 */
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatsJson } from '../../src/cli/stats.ts';
import { collectStats } from '../../src/cli/stats.ts';
import type { Caller } from '../../src/core/commands/define.ts';
import { dailyItem, dayNumber, guessPlay, nextStep, parseDay, shareLine, startPlay, streak, utcDay } from '../../src/core/daily/daily.ts';
import { normalize } from '../../src/core/game/judge.ts';
import { plainText, type Reply } from '../../src/core/reply.ts';
import { loadConfig } from '../../src/config/config.ts';
import { StatsService } from '../../src/stats/service.ts';
import { engines, type TestDatabase } from '../fakes/databases.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { caller, makeTestApp, type TestApp } from '../fakes/test-app.ts';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const all = (r: Reply) => [r.title ?? '', r.text, ...(r.fields ?? []).flatMap((f) => [f.name, f.value]), r.footer ?? ''].map(plainText).join('\n');

describe('the day and its picture (pure)', () => {
  const pool = Array.from({ length: 31 }, (_, i) => ({ deckId: i < 12 ? 'masterpieces' : 'everyday', itemId: `item-${i}` }));

  it('day numbers count from 2026-01-01; days are UTC dates', () => {
    expect(dayNumber('2026-01-01')).toBe(1);
    expect(dayNumber('2026-12-01')).toBe(335);
    expect(utcDay(at('2026-03-01T23:59:59Z'))).toBe('2026-03-01');
    expect(utcDay(at('2026-03-02T00:00:00Z'))).toBe('2026-03-02');
    expect(parseDay('2026-02-29')).toBeNull();
    expect(parseDay('2028-02-29')).toBe('2028-02-29');
    expect(parseDay('1 May')).toBeNull();
  });

  it('no picture comes back before the pool is used up, pass after pass, and never two days running', () => {
    for (let cycle = 0; cycle < 20; cycle++) {
      const days = Array.from({ length: pool.length }, (_, i) => dailyItem(pool, cycle * pool.length + i + 1));
      expect(new Set(days.map((d) => d.itemId)).size).toBe(pool.length);
    }
    for (let n = 1; n < 20 * pool.length; n++) expect(dailyItem(pool, n + 1)).not.toEqual(dailyItem(pool, n));
    // Deterministic: the same pool in another order gives the same days.
    expect(dailyItem([...pool].reverse(), 100)).toEqual(dailyItem(pool, 100));
  });

  it('a play: 3 guesses per step, the step at which they knew it, giving up after 64×64', () => {
    let p = startPlay('2026-01-01');
    for (let i = 0; i < 3; i++) p = guessPlay(p, 'x', 'wrong', 0).play;
    expect(guessPlay(p, 'x', 'wrong', 0).events).toEqual([{ kind: 'refused', reason: 'limit' }]);
    p = nextStep(nextStep(nextStep(p).play).play).play;
    expect(p.step).toBe(4);
    const won = guessPlay(p, 'mona lisa', 'correct', 0);
    expect(won.play).toMatchObject({ finished: true, knownStep: 4 });
    expect(shareLine(12, won.play)).toBe('Emergence #12 · ⬛⬛⬛🟩 · 16×16');
    expect(nextStep(won.play).events).toEqual([{ kind: 'refused', reason: 'finished' }]);

    let q = startPlay('2026-01-01');
    for (let i = 0; i < 5; i++) q = nextStep(q).play;
    expect(nextStep(q).play).toMatchObject({ finished: true, knownStep: null });
    expect(shareLine(3, nextStep(q).play)).toBe('Emergence #3 · ⬛⬛⬛⬛⬛⬛ · ✗');
    for (let i = 0; i < 3; i++) q = guessPlay(q, 'x', 'wrong', 0).play;
    expect(q.finished).toBe(true);
  });

  it('streaks: consecutive finished days up to today (or yesterday)', () => {
    const days = new Set(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-05']);
    expect(streak(days, '2026-01-03')).toBe(3);
    expect(streak(days, '2026-01-04')).toBe(3);
    expect(streak(days, '2026-01-05')).toBe(1);
    expect(streak(days, '2026-01-07')).toBe(0);
  });

  it('DAILY_DATE and DAILY_DECKS are checked at start', () => {
    expect(loadConfig({}).DAILY_DECKS).toEqual(['masterpieces', 'everyday', 'landmarks']);
    expect(loadConfig({ DAILY_DECKS: 'flags, landmarks' }).DAILY_DECKS).toEqual(['flags', 'landmarks']);
    expect(loadConfig({ DAILY_DATE: '2026-05-01' }).DAILY_DATE).toBe('2026-05-01');
    expect(() => loadConfig({ DAILY_DATE: '2026-13-01' })).toThrow(/YYYY-MM-DD[\s\S]*DAILY_DATE/);
  });
});

describe.each(engines)('/daily on $name', (engine) => {
  let d: TestDatabase;
  let t: TestApp;
  const open = async (startIso = '2026-03-02T09:00:00Z', over: { dailyDate?: string } = {}) => {
    const db = engine.name === 'postgres' ? { databaseUrl: d.location } : { databasePath: d.location };
    t = await makeTestApp({ ...db, ...over, clock: new FakeClock(at(startIso)) });
  };
  beforeEach(async () => {
    d = await engine.create();
  });
  afterEach(async () => {
    await t?.cleanup();
    await d.drop();
  });

  const player = (name: string, scope = 'terminal:s1'): Caller => caller(name, { scopeId: scope, channelId: `${scope}:c` });
  const run = async (who: Caller, line: string): Promise<Reply> => {
    const replies = await t.app.dispatcher.runText(who, line);
    expect(replies).toHaveLength(1);
    return replies[0]!;
  };
  const press = async (who: Caller, id: string): Promise<Reply> => {
    const replies = await t.app.dispatcher.runButton(who, id);
    expect(replies).toHaveLength(1);
    return replies[0]!;
  };
  const today = () => (t.app.services.daily as unknown as { today(): { deck: { id: string }; item: { id: string; answers: { en: string; zh: string }; aliases: string[] } } }).today();

  it('the same picture for everyone on a day, and another the next day', async () => {
    await open();
    const a = await run(player('ann'), '/daily');
    const b = await run(player('bo', 'terminal:s2'), '/daily play');
    expect(a.ephemeral).toBe(true);
    expect(plainText(a.title!)).toBe(`Daily #${dayNumber('2026-03-02')} · step 1 of 6: 2×2 (4 pixels)`);
    expect(Buffer.from(a.images![0]!.data).equals(Buffer.from(b.images![0]!.data))).toBe(true);
    const pic = today();
    // Step 2 is the same for both too, and it is the 4×4 step of the day's picture.
    const a2 = await press(player('ann'), 'daily:action=next');
    const b2 = await run(player('bo', 'terminal:s2'), '/daily next');
    expect(Buffer.from(a2.images![0]!.data).equals(Buffer.from(b2.images![0]!.data))).toBe(true);
    const meta = await sharp(a2.images![0]!.data).metadata();
    expect([meta.format, meta.width]).toEqual(['png', 512]);
    expect(a2.buttons!.map((x) => x.id)).toEqual(['daily:action=guess', 'daily:action=next']);

    await t.clock.advance(DAY);
    const c = await run(player('ann'), '/daily');
    expect(plainText(c.title!)).toContain(`Daily #${dayNumber('2026-03-03')} · step 1 of 6`);
    expect(`${today().deck.id}/${today().item.id}`).not.toBe(`${pic.deck.id}/${pic.item.id}`);
    expect(Buffer.from(c.images![0]!.data).equals(Buffer.from(a.images![0]!.data))).toBe(false);
  });

  it('one play per day, at the player\'s pace; it survives a restart; the result and the share line', async () => {
    await open();
    const ann = player('ann');
    await run(ann, '/daily');
    await press(ann, 'daily:action=next');
    await press(ann, 'daily:action=next');
    // Three guesses at step 3, then no more until the next step.
    expect(plainText((await run(ann, '/daily guess potato')).text)).toBe('Not it. 2 guesses left at this step.');
    await run(ann, '/daily guess potato');
    const third = await run(ann, '/daily guess potato');
    expect(plainText(third.text)).toBe('Not it. No guesses left at this step: show the next step.');
    expect(third.buttons!.map((b) => b.id)).toEqual(['daily:action=next']);
    expect(plainText((await run(ann, '/daily guess potato')).text)).toBe('No guesses left at step 3. Show the next step to guess again.');

    // A restart: the play is in the database and goes on at step 3.
    await t.cleanup();
    await open('2026-03-02T10:00:00Z');
    const resumed = await run(ann, '/daily');
    expect(plainText(resumed.text)).toContain('Where you left off today.');
    expect(plainText(resumed.title!)).toContain('step 3 of 6: 8×8');
    await press(ann, 'daily:action=next');
    const answer = today().item.answers.en;
    const won = await run(ann, `/daily guess ${answer}`);
    expect(won.ephemeral).toBe(true);
    const n = dayNumber('2026-03-02');
    expect(won.fields![0]!.value).toBe(`Emergence #${n} · ⬛⬛⬛🟩 · 16×16`);
    expect(plainText(won.text)).toContain('You knew it at 16×16 (16×16 pixels) (step 4 of 6)!'.replace('16×16 (16×16 pixels)', '16×16 (256 pixels)'));
    expect(plainText(won.text)).toContain(answer); // privately, to the player
    expect(won.buttons!.map((b) => b.id)).toEqual(['daily:action=share', 'daily:action=stats']);

    // One play a day: playing again shows the result, guessing changes nothing.
    const again = await run(ann, '/daily');
    expect(plainText(again.text)).toContain("You have played today's picture.");
    expect(again.images).toBeUndefined();
    const late = await run(ann, '/daily guess something else');
    expect(late.fields![0]!.value).toBe(`Emergence #${n} · ⬛⬛⬛🟩 · 16×16`);

    // Share: a public post with the line, and not the answer.
    const shared = await press(ann, 'daily:action=share');
    expect(shared.ephemeral).toBeFalsy();
    expect(plainText(shared.text)).toBe(`ann played today's daily:\nEmergence #${n} · ⬛⬛⬛🟩 · 16×16`);
  });

  it('/daily stats stays hidden until the player has finished; then the server curve and the streak', async () => {
    await open('2026-03-01T09:00:00Z');
    const [ann, bo, cy] = [player('ann'), player('bo'), player('cy')];
    // Yesterday ann played too (a streak of 2 today).
    await run(ann, '/daily');
    await run(ann, '/daily guess ' + today().item.answers.en);
    await t.clock.advance(DAY);
    const answer = today().item.answers.en;

    expect(plainText((await run(bo, '/daily stats')).text)).toBe("Today's stats show once you have finished today's picture: `/daily play`.");
    await run(bo, '/daily');
    expect((await run(bo, '/daily stats')).images).toBeUndefined(); // started is not finished
    expect(plainText((await run(bo, '/daily stats')).text)).toContain('show once you have finished');

    // bo knows it at 2×2; ann at 8×8; cy gives up after 64×64.
    await run(bo, `/daily guess ${answer}`);
    await run(ann, '/daily');
    await run(ann, '/daily next');
    await run(ann, '/daily next');
    await run(ann, `/daily guess ${answer}`);
    await run(cy, '/daily');
    for (let i = 0; i < 6; i++) await run(cy, '/daily next');
    const gaveUp = await run(cy, '/daily');
    expect(gaveUp.fields![0]!.value).toBe(`Emergence #${dayNumber('2026-03-02')} · ⬛⬛⬛⬛⬛⬛ · ✗`);
    // Someone in another server does not count here.
    await run(player('dee', 'terminal:s9'), '/daily');
    await run(player('dee', 'terminal:s9'), `/daily guess ${answer}`);

    const s = await run(ann, '/daily stats');
    const text = all(s);
    expect(text).toContain("3 players here finished today's picture; 1 did not know it.");
    expect(text).toContain('2×2: 1 · 33% by then');
    expect(text).toContain('8×8: 1 · 67% by then');
    expect(text).toContain('64×64: 0 · 67% by then');
    expect(text).toContain('You knew it at 8×8 (64 pixels).');
    expect(text).toContain('Your streak: 2 days in a row.');
    expect(s.images).toHaveLength(1);
    expect((await sharp(s.images![0]!.data).metadata()).format).toBe('png');
    expect(all(await run(cy, '/daily stats'))).toContain('Your streak: 1 day in a row.');
  });

  it('daily plays count in the statistics as first encounters (cli stats --json)', async () => {
    await open();
    const answer = today().item.answers.en;
    const pic = today();
    await run(player('ann'), '/daily');
    await run(player('ann'), '/daily next');
    await run(player('ann'), '/daily guess potato');
    await run(player('ann'), `/daily guess ${answer}`);
    await run(player('bo'), '/daily');
    for (let i = 0; i < 6; i++) await run(player('bo'), '/daily next');
    // A play still running is not in the statistics.
    await run(player('cy'), '/daily');
    await run(player('cy'), `/daily guess potato`);

    // While the day lasts, the finished plays stay out of the statistics: counts that grow would give away
    // which picture is today's. The day after, they are in.
    const stats = () => new StatsService({ store: t.app.store, decks: t.app.decks, clock: t.clock });
    const sameDay = await collectStats(t.app.store, stats(), {});
    expect(sameDay.pictures.find((x) => x.deck === pic.deck.id && x.item === pic.item.id)).toBeUndefined();
    const server = await run(player('dee'), '/stats server');
    expect(all(server)).toContain('No round has ended in this server');
    await t.clock.advance(DAY);

    let json: StatsJson;
    if (engine.name === 'sqlite') {
      await t.cleanup();
      const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'stats', '--json', '--db', d.location], {
        encoding: 'utf8',
        env: { ...process.env, LOG_LEVEL: 'silent' },
      });
      json = JSON.parse(out) as StatsJson;
      t = undefined as unknown as TestApp;
    } else {
      json = await collectStats(t.app.store, stats(), {});
    }
    const p = json.pictures.find((x) => x.deck === pic.deck.id && x.item === pic.item.id)!;
    expect(p.everywhere.attempts).toBe(2);
    expect(p.everywhere.recognised).toBe(1);
    expect(p.everywhere.perStep).toEqual([0, 1, 0, 0, 0, 0]);
    expect(Object.keys(p.servers)).toEqual(['terminal:s1']);
    expect(p.wrongGuesses).toEqual([{ step: 2, text: 'potato', players: 1 }]);
  });

  it('the share line never contains the answer or any alias, day after day', async () => {
    await open('2026-01-01T08:00:00Z');
    const pool = (t.app.services.daily as unknown as { pool(): unknown[] }).pool().length;
    expect(pool).toBe(31);
    const seen = new Set<string>();
    for (let i = 0; i < pool; i++) {
      const pic = today();
      seen.add(`${pic.deck.id}/${pic.item.id}`);
      const who = player(`p${i}`);
      await run(who, '/daily');
      for (let s = 0; s < i % 6; s++) await run(who, '/daily next');
      // Half the players know it, half give up.
      if (i % 2 === 0) await run(who, `/daily guess ${pic.item.answers.zh}`);
      else for (let s = i % 6; s < 6; s++) await run(who, '/daily next');
      const finished = await run(who, '/daily');
      const line = finished.fields![0]!.value;
      const post = all(await press(who, 'daily:action=share'));
      expect(post).toContain(line);
      const names = [pic.item.answers.en, pic.item.answers.zh, ...pic.item.aliases];
      for (const text of [line, post]) {
        const flat = normalize(text);
        for (const name of names) {
          expect(text.toLowerCase()).not.toContain(name.toLowerCase());
          if (normalize(name).length > 2) expect(flat).not.toContain(normalize(name));
        }
        expect(text).not.toContain(pic.item.id);
      }
      await t.clock.advance(DAY);
    }
    // Every picture of the pool came once.
    expect(seen.size).toBe(pool);
  }, 120_000);

  it('forget-me deletes the daily plays, and nothing left names the player', async () => {
    await open();
    const ann = player('ann');
    await run(ann, '/daily');
    await run(ann, '/daily guess potato');
    await run(ann, `/daily guess ${today().item.answers.en}`);
    await run(player('bo'), '/daily');
    // The next day ann's play is in the statistics: forget-me must take it out of there too.
    await t.clock.advance(DAY);
    await (t.app.services.stats as StatsService).releaseDaily();
    expect(await t.app.store.db.selectFrom('recognitions').select('player_id').execute()).toEqual([{ player_id: 'terminal:ann' }]);
    const ask = await t.app.services.privacy!.requestForget(ann);
    await t.app.services.privacy!.confirmForget(ann, ask.code);
    const db = t.app.store.db;
    expect(await db.selectFrom('daily_plays').select('player_id').execute()).toEqual([{ player_id: 'terminal:bo' }]);
    const rounds = await db.selectFrom('rounds').selectAll().execute();
    expect(JSON.stringify(rounds)).not.toContain('terminal:ann');
    expect(await db.selectFrom('guesses').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('recognitions').selectAll().execute()).toEqual([]);
    // Forgotten, ann may play again today as someone new.
    expect(plainText((await run(ann, '/daily')).title!)).toContain('step 1 of 6');
  });

  it('DAILY_DATE replays a day', async () => {
    await open('2026-03-02T09:00:00Z', { dailyDate: '2026-01-15' });
    const r = await run(player('ann'), '/daily');
    expect(plainText(r.title!)).toContain('Daily #15 ·');
  });
});
