import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as OpenCC from 'opencc-js/t2cn';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { creditsMarkdown, run } from '../../src/cli/deck.ts';
import { StartupError } from '../../src/config/startup-error.ts';
import { buildFlagsDeck, serialiseDeck } from '../../src/images/build-flags-deck.ts';
import {
  checkDeckImages,
  DeckCatalog,
  DeckError,
  DEFAULT_DECKS_DIR,
  formatFieldPath,
  loadDeck,
  loadDecks,
  readItemImage,
  resolveImagePath,
  type Deck,
} from '../../src/images/decks.ts';

const MASTERPIECES = [
  'mona-lisa',
  'the-kiss',
  'starry-night',
  'the-scream',
  'girl-with-a-pearl-earring',
  'great-wave',
  'birth-of-venus',
  'water-lilies',
  'seurat-grande-jatte',
  'wanderer-above-the-sea-of-fog',
  'cafe-terrace-at-night',
  'van-gogh-self-portrait-straw-hat',
];
const EVERYDAY = [
  'astronaut-eileen-collins',
  'caillebotte-chrysanthemums',
  'chelsea-cat',
  'cincinnati-roebling-bridge',
  'citrus-fruits',
  'coffee-cup',
  'duncanson-landscape',
  'honey-bee-on-aster',
  'hubble-extreme-deep-field',
  'jupiter-marble',
  'rocket-launchpad',
  'turner-venice-salute',
  'van-gogh-painter-on-road-to-tarascon',
  'winslow-homer-canoe-rapids',
];
const LANDMARKS = ['eiffel-tower', 'colosseum', 'great-pyramid-of-giza', 'statue-of-liberty', 'blue-marble'];

describe('built-in decks', () => {
  let catalog: DeckCatalog;
  beforeAll(async () => {
    catalog = await loadDecks();
  });

  const deck = (id: string): Deck => {
    const d = catalog.get(id);
    if (!d) throw new Error(`no deck ${id}`);
    return d;
  };

  it('are all found and valid', () => {
    expect(catalog.list().map((d) => d.id)).toEqual(['article', 'everyday', 'flags', 'landmarks', 'masterpieces', 'motion']);
    for (const d of catalog.list()) {
      expect(d.dir).toBe(path.join(DEFAULT_DECKS_DIR, d.id));
      expect(d.name.en && d.name.zh && d.description.en && d.description.zh).toBeTruthy();
    }
  });

  it('decode with sharp, every picture', async () => {
    for (const d of catalog.list()) await checkDeckImages(d);
  }, 60_000);

  it('hold the expected pictures', () => {
    expect(new Set(deck('masterpieces').items.map((i) => i.id))).toEqual(new Set(MASTERPIECES));
    expect(new Set(deck('everyday').items.map((i) => i.id))).toEqual(new Set(EVERYDAY));
    expect(new Set(deck('landmarks').items.map((i) => i.id))).toEqual(new Set(LANDMARKS));
    expect(deck('article').items.map((i) => i.id)).toEqual(['boat-on-lake']);
  });

  it('name each picture file after its item id', () => {
    for (const d of catalog.list()) {
      for (const item of d.items) {
        const file = item.image.replace(/^npm:/, '');
        expect(path.basename(file, path.extname(file)), `${d.id}/${item.id}`).toBe(item.id);
      }
    }
  });

  it('keep the sidecar .txt next to every copied JPEG', () => {
    for (const d of catalog.list()) {
      for (const item of d.items) {
        if (item.image.startsWith('npm:')) continue;
        const sidecar = path.join(d.dir, item.image.replace(/\.[a-z]+$/i, '.txt'));
        expect(existsSync(sidecar), sidecar).toBe(true);
      }
    }
  });

  it('mark masterpieces and landmarks famous, everyday and the article picture not', () => {
    for (const item of deck('masterpieces').items) expect(item.famous, item.id).toBe(true);
    for (const item of deck('landmarks').items) expect(item.famous, item.id).toBe(true);
    for (const item of deck('everyday').items) expect(item.famous, item.id).toBe(false);
    for (const item of deck('article').items) expect(item.famous, item.id).toBe(false);
  });

  it('use each item id once across all decks', () => {
    const seen = new Map<string, string>();
    for (const d of catalog.list()) {
      for (const item of d.items) {
        expect(seen.get(item.id), `${item.id} in ${d.id}`).toBeUndefined();
        seen.set(item.id, d.id);
      }
    }
  });

  it('give answers in simplified Chinese and no alias equal to an answer', () => {
    const t2s = OpenCC.Converter({ from: 'tw', to: 'cn' });
    for (const d of catalog.list()) {
      for (const item of d.items) {
        for (const name of [item.answers.zh, ...item.aliases]) expect(t2s(name), `${d.id}/${item.id}`).toBe(name);
        expect(item.aliases).not.toContain(item.answers.en);
        expect(item.aliases).not.toContain(item.answers.zh);
        expect(new Set(item.aliases).size, `${d.id}/${item.id} duplicate aliases`).toBe(item.aliases.length);
      }
    }
  });

  it('have well-known Chinese names for the masterpieces', () => {
    const zh = Object.fromEntries(deck('masterpieces').items.map((i) => [i.id, i.answers.zh]));
    expect(zh['mona-lisa']).toBe('蒙娜丽莎');
    expect(zh['starry-night']).toBe('星月夜');
    expect(zh['the-scream']).toBe('呐喊');
    expect(zh['the-kiss']).toBe('吻');
    expect(zh['great-wave']).toBe('神奈川冲浪里');
    const mona = catalog.item('masterpieces', 'mona-lisa');
    expect(mona?.aliases).toEqual(expect.arrayContaining(['La Gioconda', 'La Joconde', '蒙娜丽莎的微笑']));
  });

  it('include a flags deck of real countries', () => {
    const flags = deck('flags');
    expect(flags.items.length).toBeGreaterThan(190);
    const cn = catalog.item('flags', 'cn');
    const fr = catalog.item('flags', 'fr');
    expect(cn?.answers).toEqual({ en: 'China', zh: '中国' });
    expect(fr?.answers).toEqual({ en: 'France', zh: '法国' });
    expect(catalog.item('flags', 'us')?.aliases).toContain('United States of America');
    expect(fr?.image).toBe('npm:svg-country-flags/svg/fr.svg');
    for (const code of ['eu', 'xk', 'gb-eng']) expect(catalog.item('flags', code)).toBeUndefined();
    for (const item of flags.items) {
      expect(item.id).toMatch(/^[a-z]{2}$/);
      expect(item.category).toEqual({ en: 'flag', zh: '国旗' });
      expect(item.licence).toBe('Public domain');
    }
    const famous = flags.items.filter((i) => i.famous).map((i) => i.id);
    expect(famous.length).toBeGreaterThanOrEqual(20);
    expect(famous.length).toBeLessThanOrEqual(40);
    expect(famous).toEqual(expect.arrayContaining(['cn', 'fr', 'us', 'jp', 'gb', 'br']));
  });

  it('has a flags deck.json matching what the build script makes', async () => {
    const built = serialiseDeck(await buildFlagsDeck());
    expect(await readFile(path.join(DEFAULT_DECKS_DIR, 'flags', 'deck.json'), 'utf8')).toBe(built);
  }, 60_000);

  it('has a CREDITS.md up to date with the decks', async () => {
    const text = await readFile(path.join(DEFAULT_DECKS_DIR, 'CREDITS.md'), 'utf8');
    expect(text).toBe(creditsMarkdown(catalog.list()));
    expect(text).toContain('mona-lisa');
  });

  it('draws the article picture as a colourful, non-blank SVG', async () => {
    const d = deck('article');
    const item = d.items[0]!;
    const bytes = await readItemImage(d, item);
    expect(Buffer.from(bytes).toString('utf8')).toContain('<svg');
    const { data, info } = await sharp(bytes).resize(16, 16).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    for (let c = 0; c < 3; c++) {
      const values: number[] = [];
      for (let i = c; i < data.length; i += 3) values.push(data[i]!);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      expect(variance, `channel ${c}`).toBeGreaterThan(200);
    }
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 3) colours.add((data[i]! >> 5) * 64 + (data[i + 1]! >> 5) * 8 + (data[i + 2]! >> 5));
    expect(colours.size).toBeGreaterThan(8);
  });

  it('looks pictures up through the catalog', async () => {
    const found = catalog.find('starry-night');
    expect(found?.deck.id).toBe('masterpieces');
    expect(found?.item.answers.zh).toBe('星月夜');
    expect(catalog.find('no-such-item')).toBeUndefined();
    expect(catalog.get('nope')).toBeUndefined();
    expect(catalog.item('masterpieces', 'nope')).toBeUndefined();

    const jpeg = catalog.imagePath(found!.deck, found!.item);
    expect(path.isAbsolute(jpeg)).toBe(true);
    expect(jpeg).toBe(path.join(DEFAULT_DECKS_DIR, 'masterpieces', 'starry-night.jpg'));
    const bytes = await readItemImage(found!.deck, found!.item);
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);

    const flags = catalog.get('flags')!;
    const fr = catalog.item('flags', 'fr')!;
    const svg = catalog.imagePath(flags, fr);
    expect(svg).toMatch(/svg-country-flags[\\/]svg[\\/]fr\.svg$/);
    expect(existsSync(svg)).toBe(true);
    expect(Buffer.from(await readItemImage(flags, fr)).toString('utf8')).toContain('<svg');
  });

  it('validates from the CLI', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await run(['validate'])).toBe(0);
      const lines = out.mock.calls.map((c) => String(c[0])).join('');
      expect(lines).toContain('ok masterpieces (12 items)');
      expect(lines).toMatch(/ok flags \(\d+ items\)/);
      expect(err).not.toHaveBeenCalled();
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  }, 60_000);
});

describe('broken decks', () => {
  let tmp: string;
  let jpeg: Buffer;

  const goodItem = (id: string) => ({
    id,
    image: `${id}.jpg`,
    answers: { en: 'cat', zh: '猫' },
    aliases: ['kitten'],
    category: { en: 'animal', zh: '动物' },
    famous: false,
    credit: 'A test picture',
    licence: 'CC0-1.0',
  });
  const goodDeck = (id: string, items: unknown[]) => ({
    id,
    name: { en: 'Test', zh: '测试' },
    description: { en: 'A test deck', zh: '测试用' },
    items,
  });

  /** Writes `<tmp>/<folder>/deck.json` (an object is JSON-encoded) and the named pictures. */
  async function makeDeck(folder: string, deck: unknown, pictures: string[] = []): Promise<string> {
    const dir = path.join(tmp, folder);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'deck.json'), typeof deck === 'string' ? deck : JSON.stringify(deck, null, 2));
    for (const p of pictures) await writeFile(path.join(dir, p), jpeg);
    return dir;
  }

  async function deckError(dir: string): Promise<DeckError> {
    try {
      await loadDeck(dir);
    } catch (e) {
      expect(e).toBeInstanceOf(DeckError);
      return e as DeckError;
    }
    throw new Error(`loadDeck(${dir}) did not fail`);
  }

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'emergence-decks-'));
    jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c04020' } }).jpeg().toBuffer();
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('loads a good one', async () => {
    const dir = await makeDeck('good', goodDeck('good', [goodItem('a'), goodItem('b')]), ['a.jpg', 'b.jpg']);
    const deck = await loadDeck(dir);
    expect(deck.items.map((i) => i.id)).toEqual(['a', 'b']);
    expect(deck.dir).toBe(dir);
    await checkDeckImages(deck);
    expect(new DeckCatalog([deck]).imagePath(deck, deck.items[0]!)).toBe(path.join(dir, 'a.jpg'));
  });

  it('reports a missing answers.zh with file and field', async () => {
    const item = goodItem('a') as Record<string, unknown>;
    item.answers = { en: 'cat' };
    const dir = await makeDeck('no-zh', goodDeck('no-zh', [goodItem('x'), goodItem('y'), item]), ['a.jpg']);
    const e = await deckError(dir);
    expect(e.message).toContain(path.join(dir, 'deck.json'));
    expect(e.message).toContain('not a valid deck; fix these and try again');
    expect(e.message).toMatch(/expected string, received undefined\n\s*→ at items\[2\]\.answers\.zh/);
    expect(e.field).toBe('items[2].answers.zh');
    expect(e).toBeInstanceOf(StartupError);
  });

  it('reports a wrong type for famous', async () => {
    const item = { ...goodItem('b'), famous: 'yes' };
    const dir = await makeDeck('bad-famous', goodDeck('bad-famous', [goodItem('a'), item]), ['a.jpg', 'b.jpg']);
    const e = await deckError(dir);
    expect(e.message).toContain(path.join(dir, 'deck.json'));
    expect(e.message).toMatch(/expected boolean, received string\n\s*→ at items\[1\]\.famous/);
  });

  it('reports a duplicate id', async () => {
    const dir = await makeDeck('dup', goodDeck('dup', [goodItem('a'), goodItem('b'), goodItem('a')]), ['a.jpg', 'b.jpg']);
    const e = await deckError(dir);
    expect(e.message).toContain(path.join(dir, 'deck.json'));
    expect(e.message).toContain('items[2].id: duplicate id "a" (already used by items[0])');
  });

  it('reports a missing picture', async () => {
    const dir = await makeDeck('no-pic', goodDeck('no-pic', [goodItem('a'), goodItem('b')]), ['a.jpg']);
    const e = await deckError(dir);
    expect(e.message).toContain(path.join(dir, 'deck.json'));
    expect(e.message).toContain('items[1].image: image file not found');
    expect(e.message).toContain('b.jpg');
  });

  it('reports invalid JSON with the file name, as a start-up error', async () => {
    const dir = await makeDeck('bad-json', '{ "id": "bad-json", items: [ }');
    const e = await deckError(dir);
    expect(e.message).toContain(path.join(dir, 'deck.json'));
    expect(e.message).toContain('invalid JSON');
    expect(e).toBeInstanceOf(StartupError);
    expect(e.message.split('\n').length).toBeLessThanOrEqual(2);
  });

  it('reports a missing decks folder as a start-up error that says what to do', async () => {
    const missing = path.join(tmp, 'no-such-folder');
    const e = await loadDecks(missing).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(StartupError);
    const lines = (e as Error).message.split('\n');
    expect(lines).toEqual([`${missing}: decks folder not found.`, expect.stringContaining('Set DECKS_DIR')]);
  });

  it('reports a missing deck.json', async () => {
    const dir = path.join(tmp, 'empty');
    await mkdir(dir, { recursive: true });
    const e = await deckError(dir);
    expect(e.message).toBe(`${path.join(dir, 'deck.json')}: file not found`);
  });

  it('reports a deck id that differs from its folder name', async () => {
    const dir = await makeDeck('folder-name', goodDeck('other-name', [goodItem('a')]), ['a.jpg']);
    const e = await deckError(dir);
    expect(e.message).toContain(path.join(dir, 'deck.json'));
    expect(e.message).toContain('id: deck id "other-name" must equal its folder name "folder-name"');
  });

  it('refuses pictures outside the deck folder and unknown npm files', async () => {
    const outside = await makeDeck('outside', goodDeck('outside', [{ ...goodItem('a'), image: '../good/a.jpg' }]));
    expect((await deckError(outside)).message).toContain('items[0].image: "../good/a.jpg" is outside the deck folder');
    const npm = await makeDeck('npm-missing', goodDeck('npm-missing', [{ ...goodItem('a'), image: 'npm:svg-country-flags/svg/zz.svg' }]));
    expect((await deckError(npm)).message).toContain('items[0].image: "npm:svg-country-flags/svg/zz.svg": package file not found');
    const sneaky = await makeDeck('npm-dots', goodDeck('npm-dots', [{ ...goodItem('a'), image: 'npm:svg-country-flags/../../package.json' }]));
    expect((await deckError(sneaky)).message).toContain('is not of the form npm:<package>/<file>');
  });

  it('resolves npm: pictures from installed packages', () => {
    expect(resolveImagePath('/anywhere', 'npm:svg-country-flags/svg/cn.svg')).toMatch(/svg-country-flags[\\/]svg[\\/]cn\.svg$/);
    expect(formatFieldPath(['items', 3, 'answers', 'zh'])).toBe('items[3].answers.zh');
  });

  it('reports a picture that is not an image when loading', async () => {
    const dir = await makeDeck('not-image', goodDeck('not-image', [goodItem('a')]));
    await writeFile(path.join(dir, 'a.jpg'), 'this is not a JPEG');
    const e = await deckError(dir);
    expect(e.message).toMatch(/deck\.json: items\[0\]\.image: .*a\.jpg: not an image/);
    expect(e).toBeInstanceOf(StartupError);
  });

  it('reports a picture whose data is broken past its header when decoding', async () => {
    const dir = await makeDeck('truncated', goodDeck('truncated', [goodItem('a')]));
    const big = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
      .jpeg()
      .toBuffer();
    await writeFile(path.join(dir, 'a.jpg'), big.subarray(0, 2000));
    const deck = await loadDeck(dir); // the header is fine
    await expect(checkDeckImages(deck)).rejects.toThrow(/deck\.json: items\[0\]\.image: cannot decode .*a\.jpg/);
  });

  it('makes loadDecks fail on a bad deck, and the CLI exit 1 with the error on stderr', async () => {
    const root = path.join(tmp, 'root');
    await mkdir(root, { recursive: true });
    const good = path.join(root, 'fine');
    await mkdir(good);
    await writeFile(path.join(good, 'deck.json'), JSON.stringify(goodDeck('fine', [goodItem('a')])));
    await writeFile(path.join(good, 'a.jpg'), jpeg);
    const bad = path.join(root, 'broken');
    await mkdir(bad);
    await writeFile(path.join(bad, 'deck.json'), JSON.stringify(goodDeck('broken', [{ ...goodItem('a'), famous: 1 }])));
    await expect(loadDecks(root)).rejects.toThrow(/broken[\\/]deck\.json: not a valid deck[^]*expected boolean, received number\n\s*→ at items\[0\]\.famous/);

    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await run(['validate', bad])).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain('items[0].famous');
      err.mockClear();
      expect(await run(['validate', root])).toBe(1);
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain('ok fine (1 item)');
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain('broken');
      expect(await run(['frobnicate'])).toBe(2);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
