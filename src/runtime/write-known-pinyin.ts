/** `npm run pinyin:known` writes assets/known-pinyin.json from the built-in decks (see ./known-pinyin.ts). */
import { writeFileSync } from 'node:fs';
import { loadPinyin } from '../core/game/normalize.ts';
import { loadDecks } from '../images/decks.ts';
import { packagePath } from '../paths.ts';
import { KNOWN_PINYIN_FILE, knownPinyinJson, knownPinyinOf } from './known-pinyin.ts';

await loadPinyin();
const table = knownPinyinOf((await loadDecks()).list());
writeFileSync(packagePath(...KNOWN_PINYIN_FILE.split('/')), knownPinyinJson(table));
process.stdout.write(`wrote ${KNOWN_PINYIN_FILE} (${Object.keys(table).length} texts)\n`);
