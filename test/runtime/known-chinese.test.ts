/**
 * The built-in decks are judged without pinyin-pro and the OpenCC tables (src/runtime/known-chinese.ts):
 * English guesses load neither, a Chinese guess that needs them loads them there and then, and the
 * tables are current.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPinyin, pinyinLoaded, simplifierBuilt } from '../../src/core/game/normalize.ts';
import { loadDecks } from '../../src/images/decks.ts';
import { packagePath } from '../../src/paths.ts';
import { KNOWN_CHINESE_FILE, knownChineseJson, knownChineseOf } from '../../src/runtime/known-chinese.ts';
import { caller, makeTestApp } from '../fakes/test-app.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';

describe('known Chinese', () => {
  // In this order: once loaded, pinyin-pro and the OpenCC tables stay loaded for the rest of the file.
  it('judges a built-in deck in English without pinyin-pro or OpenCC, and loads them for a Chinese guess that needs them', async () => {
    const t = await makeTestApp();
    try {
      t.app.sinks.register('terminal', new RecordingSink());
      await t.app.game.play(caller('host', { isHost: true }), { deck: 'masterpieces', item: 'mona-lisa', mode: 'experiment' });
      expect(await t.app.game.guess(caller('ann'), 'starry night')).toMatchObject({ verdict: 'wrong' });
      // The pinyin of 蒙娜丽莎, from the table.
      expect(await t.app.game.guess(caller('bob'), 'meng na li sha')).toMatchObject({ verdict: 'correct' });
      expect(pinyinLoaded()).toBe(false);
      expect(simplifierBuilt()).toBe(false);
      // A traditional homophone typo (沙 for 莎), whose forms no table holds.
      expect(await t.app.game.guess(caller('cat'), '蒙娜麗沙')).toMatchObject({ verdict: 'close' });
      expect(pinyinLoaded()).toBe(true);
      expect(simplifierBuilt()).toBe(true);
    } finally {
      await t.cleanup();
    }
  });

  it(`${KNOWN_CHINESE_FILE} is current (run \`npm run chinese:known\` after changing a deck's answers)`, async () => {
    await loadPinyin();
    const known = knownChineseOf((await loadDecks()).list());
    expect(Object.keys(known.pinyin).length).toBeGreaterThan(100);
    expect(Object.keys(known.simplified).length).toBeGreaterThan(100);
    expect(readFileSync(packagePath(...KNOWN_CHINESE_FILE.split('/')), 'utf8')).toBe(knownChineseJson(known));
  });
});
