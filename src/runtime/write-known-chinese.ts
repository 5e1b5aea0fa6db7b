/** `npm run chinese:known` writes assets/known-chinese.json from the built-in decks (see ./known-chinese.ts). */
import { writeFileSync } from 'node:fs';
import { loadPinyin } from '../core/game/normalize.ts';
import { loadDecks } from '../images/decks.ts';
import { packagePath } from '../paths.ts';
import { KNOWN_CHINESE_FILE, knownChineseJson, knownChineseOf } from './known-chinese.ts';

await loadPinyin();
const known = knownChineseOf((await loadDecks()).list());
writeFileSync(packagePath(...KNOWN_CHINESE_FILE.split('/')), knownChineseJson(known));
process.stdout.write(`wrote ${KNOWN_CHINESE_FILE} (${Object.keys(known.pinyin).length} pinyin, ${Object.keys(known.simplified).length} simplified)\n`);
