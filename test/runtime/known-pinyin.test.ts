/**
 * The built-in decks are judged without pinyin-pro (src/runtime/known-pinyin.ts): English guesses
 * never load it, a Chinese guess that needs it loads it there and then, and the table is current.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPinyin, pinyinLoaded } from '../../src/core/game/normalize.ts';
import { loadDecks } from '../../src/images/decks.ts';
import { packagePath } from '../../src/paths.ts';
import { KNOWN_PINYIN_FILE, knownPinyinJson, knownPinyinOf } from '../../src/runtime/known-pinyin.ts';
import { caller, makeTestApp } from '../fakes/test-app.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';

describe('known pinyin', () => {
  // In this order: once loaded, pinyin-pro stays loaded for the rest of the file.
  it('judges a built-in deck in English without pinyin-pro, and loads it for a Chinese guess that needs it', async () => {
    const t = await makeTestApp();
    try {
      t.app.sinks.register('terminal', new RecordingSink());
      await t.app.game.play(caller('host', { isHost: true }), { deck: 'masterpieces', item: 'mona-lisa', mode: 'experiment' });
      expect(await t.app.game.guess(caller('ann'), 'starry night')).toMatchObject({ verdict: 'wrong' });
      // The pinyin of 蒙娜丽莎, from the table.
      expect(await t.app.game.guess(caller('bob'), 'meng na li sha')).toMatchObject({ verdict: 'correct' });
      expect(pinyinLoaded()).toBe(false);
      // A homophone typo (沙 for 莎), whose pinyin no table holds.
      expect(await t.app.game.guess(caller('cat'), '蒙娜丽沙')).toMatchObject({ verdict: 'close' });
      expect(pinyinLoaded()).toBe(true);
    } finally {
      await t.cleanup();
    }
  });

  it(`${KNOWN_PINYIN_FILE} is current (run \`npm run pinyin:known\` after changing a deck's answers)`, async () => {
    await loadPinyin();
    const table = knownPinyinOf((await loadDecks()).list());
    expect(Object.keys(table).length).toBeGreaterThan(100);
    expect(readFileSync(packagePath(...KNOWN_PINYIN_FILE.split('/')), 'utf8')).toBe(knownPinyinJson(table));
  });
});
