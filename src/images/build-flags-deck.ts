/**
 * Generates assets/decks/flags/deck.json: one item per country flag of the npm package
 * svg-country-flags (public-domain SVGs), named in English and Chinese by i18n-iso-countries.
 *
 *   npx tsx src/images/build-flags-deck.ts           # write the file
 *   npx tsx src/images/build-flags-deck.ts --check   # exit 1 if the committed file is stale
 *
 * Images are referenced as `npm:svg-country-flags/svg/<code>.svg` (see decks.ts), so the SVGs
 * are not copied into the repository. Only ISO 3166-1 codes are kept: the package's other files
 * (eu, an, gb-eng, gb-sct ...) and the user-assigned code XK (Kosovo) are skipped.
 *
 * Flags that look exactly like another one once squared (a territory using its sovereign's flag,
 * Monaco and Indonesia) could never be named right, so only one of each such group is kept
 * (SAME_FLAG_AS). The script renders every flag small and stops if the package gains a new
 * look-alike pair, or if a listed pair no longer looks alike.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import countries from 'i18n-iso-countries';
import sharp from 'sharp';
import type { DeckFile, DeckItem } from './deck-schema.ts';
import { DeckSchema } from './deck-schema.ts';
import { DEFAULT_DECKS_DIR } from './decks.ts';

const require = createRequire(import.meta.url);

/** Codes i18n-iso-countries knows that are not (yet) in ISO 3166-1. */
const NOT_ISO_3166_1 = new Set(['xk']);

/**
 * Flags left out because they render identically (at 32x32, stretched to a square) to the flag
 * they are mapped to, which stays in the deck.
 */
export const SAME_FLAG_AS: Readonly<Record<string, string>> = {
  bq: 'nl', // Bonaire, Sint Eustatius and Saba: Netherlands
  bv: 'no', // Bouvet Island: Norway
  sj: 'no', // Svalbard and Jan Mayen: Norway
  gf: 'fr', // French Guiana: France
  gp: 'fr', // Guadeloupe: France
  mf: 'fr', // Saint Martin: France
  mq: 'fr', // Martinique: France
  pm: 'fr', // Saint Pierre and Miquelon: France
  re: 'fr', // Réunion: France
  yt: 'fr', // Mayotte: France
  hm: 'au', // Heard Island and McDonald Islands: Australia
  sh: 'gb', // Saint Helena: United Kingdom
  um: 'us', // United States Minor Outlying Islands: United States
  mc: 'id', // Monaco: same red-over-white as Indonesia, only the proportions differ
};

/**
 * The most widely recognised flags: the G20 countries (the EU has no ISO code) and a few more
 * whose flags are familiar around the world. 30 in all.
 */
export const FAMOUS_FLAGS: ReadonlySet<string> = new Set([
  // G20
  'ar', 'au', 'br', 'ca', 'cn', 'de', 'fr', 'gb', 'id', 'in', 'it', 'jp', 'kr', 'mx', 'ru', 'sa', 'tr', 'us', 'za',
  // a few more
  'ch', 'es', 'gr', 'ie', 'il', 'nl', 'no', 'nz', 'pt', 'se', 'ua',
]);

/**
 * Readable English names where the first name i18n-iso-countries gives is a formal or inverted
 * form ("Moldova, Republic of"). The package's names stay accepted as aliases.
 */
const EN_DISPLAY: Readonly<Record<string, string>> = {
  cn: 'China',
  ci: "Côte d'Ivoire",
  fk: 'Falkland Islands',
  fm: 'Micronesia',
  gm: 'Gambia',
  ir: 'Iran',
  md: 'Moldova',
  mk: 'North Macedonia',
  ps: 'Palestine',
  ru: 'Russia',
  sx: 'Sint Maarten',
  tw: 'Taiwan',
  tz: 'Tanzania',
  us: 'United States',
  va: 'Vatican City',
  vg: 'British Virgin Islands',
  vi: 'U.S. Virgin Islands',
};

/**
 * Extra Chinese names people commonly use (i18n-iso-countries gives one Chinese name per country;
 * that name stays the canonical answer).
 */
const ZH_ALIASES: Readonly<Record<string, readonly string[]>> = {
  ae: ['阿拉伯联合酋长国'],
  cd: ['刚果民主共和国', '刚果'],
  cg: ['刚果共和国', '刚果'],
  cn: ['中华人民共和国'],
  cz: ['捷克共和国'],
  gb: ['大不列颠', '联合王国'],
  kp: ['北韩'],
  kr: ['南韩', '大韩民国'],
  ru: ['俄罗斯联邦'],
  tw: ['台湾'],
  us: ['美利坚合众国', '美利坚'],
  va: ['梵蒂冈城国'],
};

export const FLAGS_DECK_FILE = path.join(DEFAULT_DECKS_DIR, 'flags', 'deck.json');

function registerLocales(): void {
  countries.registerLocale(require('i18n-iso-countries/langs/en.json'));
  countries.registerLocale(require('i18n-iso-countries/langs/zh.json'));
}

function uniq(names: Iterable<string>, exclude: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const seen = new Set(exclude);
  for (const n of names) {
    const t = n.trim();
    if (t && !seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  }
  return out;
}

/** Small square render of a flag, for look-alike detection. */
async function fingerprint(file: string): Promise<Buffer> {
  // Some of the SVGs have huge view boxes (bb.svg: 24000x16000) and trip sharp's pixel limit;
  // sharp renders vector input straight at the requested size, so lifting the limit is cheap.
  return sharp(file, { limitInputPixels: false })
    .resize(32, 32, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .raw()
    .toBuffer();
}

function meanDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Checks SAME_FLAG_AS against the actual renders; throws when it is out of date. */
async function checkLookAlikes(svgDir: string, codes: readonly string[]): Promise<void> {
  const prints = new Map<string, Buffer>();
  for (const c of codes) prints.set(c, await fingerprint(path.join(svgDir, `${c}.svg`)));
  const problems: string[] = [];
  for (const [c, other] of Object.entries(SAME_FLAG_AS)) {
    const a = prints.get(c);
    const b = prints.get(other);
    if (!a || !b) problems.push(`SAME_FLAG_AS ${c} -> ${other}: flag missing from the package`);
    else if (meanDifference(a, b) >= 1) problems.push(`SAME_FLAG_AS ${c} -> ${other}: the flags no longer look alike`);
  }
  const kept = codes.filter((c) => !(c in SAME_FLAG_AS));
  for (let i = 0; i < kept.length; i++) {
    for (let j = i + 1; j < kept.length; j++) {
      if (meanDifference(prints.get(kept[i]!)!, prints.get(kept[j]!)!) < 1) {
        problems.push(`flags ${kept[i]} and ${kept[j]} look alike: add one of them to SAME_FLAG_AS`);
      }
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
}

/** The flags deck, built from the installed packages. */
export async function buildFlagsDeck(): Promise<DeckFile> {
  registerLocales();
  const svgDir = path.dirname(require.resolve('svg-country-flags/svg/fr.svg'));
  const allCodes = (await readdir(svgDir))
    .filter((f) => /^[a-z]{2}\.svg$/.test(f))
    .map((f) => f.slice(0, 2))
    .filter((c) => countries.isValid(c.toUpperCase()) && !NOT_ISO_3166_1.has(c))
    .sort();
  await checkLookAlikes(svgDir, allCodes);
  const codes = allCodes.filter((c) => !(c in SAME_FLAG_AS));

  const items: DeckItem[] = codes.map((code) => {
    const upper = code.toUpperCase();
    const en = countries.getName(upper, 'en', { select: 'all' }) ?? [];
    const zh = countries.getName(upper, 'zh', { select: 'all' }) ?? [];
    if (!en[0] || !zh[0]) throw new Error(`no English or Chinese name for ${upper}`);
    const enName = EN_DISPLAY[code] ?? en[0];
    const zhName = zh[0];
    const aliases = [
      ...uniq(en, new Set([enName])),
      ...uniq([...zh.slice(1), ...(ZH_ALIASES[code] ?? [])], new Set([zhName])),
    ];
    return {
      id: code,
      image: `npm:svg-country-flags/svg/${code}.svg`,
      answers: { en: enName, zh: zhName },
      aliases,
      category: { en: 'flag', zh: '国旗' },
      famous: FAMOUS_FLAGS.has(code),
      credit: `Flag of ${enName}, from the svg-country-flags npm package (public domain)`,
      licence: 'Public domain',
    };
  });

  const deck: DeckFile = {
    id: 'flags',
    name: { en: 'Flags of the world', zh: '世界各国国旗' },
    description: {
      en: 'The flag of every country and territory with an ISO code. A few dozen flags are known everywhere; most are recognised only by people from nearby, or by flag lovers.',
      zh: '每个有 ISO 代码的国家和地区的旗帜。几十面国旗人人认得，其余大多只有邻国的人或国旗爱好者才认得出。',
    },
    items,
  };
  return DeckSchema.parse(deck);
}

export function serialiseDeck(deck: DeckFile): string {
  return `${JSON.stringify(deck, null, 2)}\n`;
}

async function main(argv: string[]): Promise<number> {
  const text = serialiseDeck(await buildFlagsDeck());
  if (argv.includes('--check')) {
    const current = await readFile(FLAGS_DECK_FILE, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write(`${FLAGS_DECK_FILE} is stale: run npx tsx src/images/build-flags-deck.ts\n`);
      return 1;
    }
    process.stdout.write('flags deck is up to date\n');
    return 0;
  }
  await writeFile(FLAGS_DECK_FILE, text);
  const deck = JSON.parse(text) as DeckFile;
  process.stdout.write(
    `wrote ${FLAGS_DECK_FILE}: ${deck.items.length} flags, ${deck.items.filter((i) => i.famous).length} famous\n`,
  );
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
