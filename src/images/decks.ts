/**
 * Deck loader: reads `<root>/<deck-id>/deck.json`, validates it with DeckSchema and checks
 * that every picture exists.
 *
 * An item's `image` is either
 *   - a path relative to the deck folder (`mona-lisa.jpg`), which must stay inside that folder, or
 *   - `npm:<package>/<file>` (`npm:svg-country-flags/svg/fr.svg`), a file shipped by an installed
 *     npm package, resolved with `createRequire(import.meta.url).resolve('<package>/<file>')`.
 *     The flags deck uses this so the country flags are not copied into the repository.
 *
 * Every failure is a DeckError whose message names the file, the field (as a zod issue path,
 * `items[3].answers.zh`) and what is wrong.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { StartupError } from '../config/startup-error.ts';
import { packagePath } from '../paths.ts';
import { DeckSchema, type Deck, type DeckItem } from './deck-schema.ts';
import { checkImageFile, decodeOptions, ImageDecodeError, readImageHeader } from './image-input.ts';
import { loadSharp } from './load-sharp.ts';

export type { Deck, DeckItem } from './deck-schema.ts';

/** The built-in decks: `assets/decks` at the repository root. */
export const DEFAULT_DECKS_DIR: string = packagePath('assets', 'decks');

/** The file every deck folder holds. */
export const DECK_FILE = 'deck.json';

/** Prefix of an image that lives in an installed npm package. */
export const NPM_IMAGE_PREFIX = 'npm:';

/**
 * A deck that cannot be used. The message starts with the file it is about and says what to do.
 * At start-up it is a StartupError: the operator fixes the file (or DECKS_DIR) and starts again.
 */
export class DeckError extends StartupError {
  constructor(
    message: string,
    /** The file the error is about (deck.json, or the missing picture's deck.json). */
    readonly file?: string,
    /** The field, as a path such as `items[3].answers.zh`, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DeckError';
  }
}

const requireFromHere = createRequire(import.meta.url);

/** Path to show in messages: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

/** `['items', 3, 'answers', 'zh']` → `items[3].answers.zh`. */
export function formatFieldPath(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

function fail(file: string, field: string | undefined, problem: string): DeckError {
  const shown = displayPath(file);
  return new DeckError(field ? `${shown}: ${field}: ${problem}` : `${shown}: ${problem}`, shown, field);
}

/**
 * Resolves an item's `image` to an absolute path (without checking that it exists).
 * Throws a plain Error with a short reason when the value is not acceptable.
 */
export function resolveImagePath(deckDir: string, image: string): string {
  if (image.startsWith(NPM_IMAGE_PREFIX)) {
    const spec = image.slice(NPM_IMAGE_PREFIX.length);
    const m = /^((?:@[a-z0-9._-]+\/)?[a-z0-9._-]+)\/(.+)$/i.exec(spec);
    if (!m || spec.split('/').some((seg) => seg === '..' || seg === '.' || seg === '') || spec.includes('\\')) {
      throw new Error(`"${image}" is not of the form npm:<package>/<file>`);
    }
    try {
      return requireFromHere.resolve(spec);
    } catch {
      throw new Error(`"${image}": package file not found (is the package "${m[1]}" installed?)`);
    }
  }
  if (path.isAbsolute(image) || /^[a-z][a-z0-9+.-]*:/i.test(image)) {
    throw new Error(`"${image}" must be a path relative to the deck folder, or npm:<package>/<file>`);
  }
  const root = path.resolve(deckDir);
  const abs = path.resolve(root, image);
  const rel = path.relative(root, abs);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`"${image}" is outside the deck folder`);
  }
  return abs;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * Loads and checks one deck folder: deck.json must parse, match DeckSchema, have the folder's
 * name as its id and unique item ids, and every picture must exist and pass image-input.ts's
 * checkImageFile (an image, and a raster one not over the pixel limit). Only headers are read
 * here: a picture is decoded when it is played, or by {@link checkDeckImages}.
 */
export async function loadDeck(dir: string): Promise<Deck> {
  const deckDir = path.resolve(dir);
  const file = path.join(deckDir, DECK_FILE);

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail(file, undefined, code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(e)})`);
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw fail(file, undefined, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }

  const parsed = DeckSchema.safeParse(raw);
  if (!parsed.success) {
    const shown = displayPath(file);
    const first = parsed.error.issues[0];
    throw new DeckError(
      `${shown}: not a valid deck; fix these and try again:\n${z.prettifyError(parsed.error)}`,
      shown,
      first ? formatFieldPath(first.path) : undefined,
    );
  }
  const data = parsed.data;

  const folder = path.basename(deckDir);
  if (data.id !== folder) {
    throw fail(file, 'id', `deck id "${data.id}" must equal its folder name "${folder}"`);
  }

  const seen = new Map<string, number>();
  for (const [i, item] of data.items.entries()) {
    const first = seen.get(item.id);
    if (first !== undefined) {
      throw fail(file, `items[${i}].id`, `duplicate id "${item.id}" (already used by items[${first}])`);
    }
    seen.set(item.id, i);
  }

  const pictures = data.items.flatMap((item, i) => [
    { image: item.image, field: `items[${i}].image` },
    ...(item.frames ?? []).map((image, k) => ({ image, field: `items[${i}].frames[${k}]` })),
  ]);
  await Promise.all(
    pictures.map(async ({ image, field }) => {
      let abs: string;
      try {
        abs = resolveImagePath(deckDir, image);
      } catch (e) {
        throw fail(file, field, (e as Error).message);
      }
      if (!(await isFile(abs))) {
        throw fail(file, field, `image file not found: ${displayPath(abs)}`);
      }
      try {
        await checkImageFile(abs);
      } catch (e) {
        if (e instanceof ImageDecodeError) throw fail(file, field, `${displayPath(abs)}: ${e.message}`);
        throw e;
      }
    }),
  );

  return { ...data, dir: deckDir };
}

/** The deck folders under `root` (sub-folders not starting with `.` or `_`), sorted by name. */
export async function listDeckDirs(root: string = DEFAULT_DECKS_DIR): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'decks folder not found' : code === 'ENOTDIR' ? 'not a folder' : `cannot read the decks folder (${code})`;
    throw new DeckError(
      `${displayPath(root)}: ${what}.\nSet DECKS_DIR to a folder that holds deck folders, or leave it unset for the built-in decks.`,
      displayPath(root),
    );
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
    .map((e) => path.join(root, e.name))
    .sort();
}

/** Loads every deck folder under `root` (default: the built-in decks). */
export async function loadDecks(root: string = DEFAULT_DECKS_DIR): Promise<DeckCatalog> {
  const dirs = await listDeckDirs(root);
  const decks: Deck[] = [];
  for (const dir of dirs) decks.push(await loadDeck(dir));
  return new DeckCatalog(decks);
}

/** The loaded decks, looked up by id. */
export class DeckCatalog {
  private readonly decks: Deck[];
  private readonly byId = new Map<string, Deck>();

  constructor(decks: Deck[]) {
    this.decks = [...decks];
    for (const deck of this.decks) {
      if (this.byId.has(deck.id)) throw new DeckError(`duplicate deck id "${deck.id}" (${deck.dir})`);
      this.byId.set(deck.id, deck);
    }
  }

  /** All decks, in the order given (loadDecks: sorted by folder name). */
  list(): Deck[] {
    return [...this.decks];
  }

  get(deckId: string): Deck | undefined {
    return this.byId.get(deckId);
  }

  item(deckId: string, itemId: string): DeckItem | undefined {
    return this.byId.get(deckId)?.items.find((it) => it.id === itemId);
  }

  /** Absolute path of an item's picture (npm: images resolved). */
  imagePath(deck: Deck, item: DeckItem): string {
    return resolveImagePath(deck.dir, item.image);
  }

  /** Absolute paths of a motion item's frames; empty for a still. */
  framePaths(deck: Deck, item: DeckItem): string[] {
    return (item.frames ?? []).map((f) => resolveImagePath(deck.dir, f));
  }

  /** The first deck (in list order) holding an item with this id. */
  find(itemId: string): { deck: Deck; item: DeckItem } | undefined {
    for (const deck of this.decks) {
      const item = deck.items.find((it) => it.id === itemId);
      if (item) return { deck, item };
    }
    return undefined;
  }
}

/** The raw bytes of an item's picture (JPEG, PNG or SVG as stored). */
export async function readItemImage(deck: Deck, item: DeckItem): Promise<Uint8Array> {
  const buf = await readFile(resolveImagePath(deck.dir, item.image));
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Decodes every picture of a deck as a round would (header check, then the full decode with the
 * same options as the ladder, made small), so a file that is not a real image is reported.
 */
export async function checkDeckImages(deck: Deck, concurrency = 8): Promise<void> {
  const sharp = await loadSharp();
  const { MIN_SVG_SIDE, MAX_SVG_SIDE } = await import('./ladder.ts');
  const file = path.join(deck.dir, DECK_FILE);
  const pictures = deck.items.flatMap((item, i) => [
    { image: item.image, field: `items[${i}].image` },
    ...(item.frames ?? []).map((image, k) => ({ image, field: `items[${i}].frames[${k}]` })),
  ]);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pictures.length) {
      const { image, field } = pictures[next++]!;
      const abs = resolveImagePath(deck.dir, image);
      let header;
      try {
        header = await readImageHeader(abs);
      } catch (e) {
        throw fail(file, field, `${displayPath(abs)}: ${(e as Error).message}`);
      }
      try {
        await sharp(abs, decodeOptions(header, { minSide: MIN_SVG_SIDE, maxSide: MAX_SVG_SIDE }))
          .resize(8, 8, { fit: 'fill' })
          .raw()
          .toBuffer();
      } catch (e) {
        throw fail(file, field, `cannot decode ${displayPath(abs)}: ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}
