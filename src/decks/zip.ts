/**
 * A deck as a zip: `deck.json` in the built-in decks' format (src/images/deck-schema.ts), plus one
 * picture per item. Reading one is guarded against zip bombs: the entry count and every entry's
 * unpacked size are bounded while inflating (declared sizes are not trusted), and only `deck.json`
 * and the files it names are kept.
 */
import { Unzip, UnzipInflate, zipSync } from 'fflate';
import { z } from 'zod';
import type { I18nText } from '../core/commands/define.ts';
import { UserError } from '../core/errors.ts';
import { MAX_UPLOAD_BYTES, MAX_ZIP_BYTES, MAX_ZIP_ENTRIES } from './limits.ts';

export interface ImportedItem {
  id: string;
  answers: I18nText;
  aliases: string[];
  category: I18nText;
  famous: boolean;
  motion: boolean;
  image: Uint8Array;
}

export interface ImportedDeck {
  id: string;
  name: I18nText;
  items: ImportedItem[];
}

const ItemSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
  image: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'a file name in the zip'),
  answers: z.object({ en: z.string().min(1), zh: z.string().optional() }),
  aliases: z.array(z.string()).default([]),
  category: z.object({ en: z.string(), zh: z.string() }).optional(),
  famous: z.boolean().default(false),
  motion: z.boolean().default(false),
  credit: z.string().optional(),
  licence: z.string().optional(),
});

export const ImportSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/),
  name: z.object({ en: z.string().min(1), zh: z.string().optional() }),
  description: z.object({ en: z.string(), zh: z.string() }).optional(),
  items: z.array(ItemSchema).max(MAX_ZIP_ENTRIES - 1),
});

export function exportDeckZip(d: ImportedDeck): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const items = d.items.map((it) => {
    const image = `${it.id}.webp`;
    files[image] = it.image;
    return {
      id: it.id,
      image,
      answers: it.answers,
      aliases: it.aliases,
      category: it.category,
      famous: it.famous,
      ...(it.motion ? { motion: true } : {}),
      credit: d.name.en,
      licence: '-',
    };
  });
  const json = { id: d.id, name: d.name, description: d.name, items };
  files['deck.json'] = new TextEncoder().encode(JSON.stringify(json, null, 2) + '\n');
  // Pictures are WebP already: storing them compressed again gains nothing.
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level: k.endsWith('.json') ? 6 : 0 }]])));
}

/** Unpacks at most MAX_ZIP_ENTRIES files, each ≤ 8 MB and ≤ 50 MB in all, counting the bytes actually inflated. */
export function unzipBounded(bytes: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const tooBig = () => new UserError('deck-import-too-big', { files: MAX_ZIP_ENTRIES, mb: Math.round(MAX_ZIP_BYTES / 1024 / 1024) });
  let entries = 0;
  let total = 0;
  let failure: unknown = null;
  const unzip = new Unzip((file) => {
    if (failure) return;
    if (++entries > MAX_ZIP_ENTRIES) {
      failure = tooBig();
      return;
    }
    if (file.name.endsWith('/')) return;
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (err, data, final) => {
      if (failure) return;
      if (err) {
        failure = new UserError('deck-import-bad', { reason: 'damaged zip' });
        return;
      }
      size += data.byteLength;
      total += data.byteLength;
      if (size > MAX_UPLOAD_BYTES || total > MAX_ZIP_BYTES) {
        failure = tooBig();
        file.terminate();
        return;
      }
      chunks.push(data);
      if (final) files.set(file.name, concat(chunks, size));
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    // Fed in slices so that a bomb is stopped after a slice, not after the whole archive is inflated.
    const slice = 64 * 1024;
    for (let at = 0; at < bytes.byteLength && !failure; at += slice) {
      unzip.push(bytes.subarray(at, Math.min(bytes.byteLength, at + slice)), at + slice >= bytes.byteLength);
    }
  } catch {
    throw new UserError('deck-import-bad', { reason: 'damaged zip' });
  }
  if (failure) throw failure;
  return files;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** A deck.json and a lookup of its pictures (a zip's entries, or a folder's files). */
export function parseDeck(json: Uint8Array | undefined, picture: (name: string) => Uint8Array | undefined): ImportedDeck {
  if (!json) throw new UserError('deck-import-bad', { reason: 'no deck.json' });
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(json).replace(/^\uFEFF/, ''));
  } catch {
    throw new UserError('deck-import-bad', { reason: 'deck.json is not JSON' });
  }
  const parsed = ImportSchema.safeParse(raw);
  if (!parsed.success) {
    // zod's own wording, on one line for the chat: "✖ Invalid input: expected boolean, received number → at items[0].famous".
    const pretty = z.prettifyError(parsed.error).split('\n').slice(0, 2).map((l) => l.trim()).join(' ');
    throw new UserError('deck-import-bad', { reason: `deck.json: ${pretty}`.slice(0, 200) });
  }
  const d = parsed.data;
  return {
    id: d.id,
    name: { en: d.name.en, zh: d.name.zh ?? d.name.en },
    items: d.items.map((it) => {
      const image = picture(it.image);
      if (!image) throw new UserError('deck-import-bad', { reason: `missing picture ${it.image}` });
      return {
        id: it.id,
        answers: { en: it.answers.en, zh: it.answers.zh ?? it.answers.en },
        aliases: it.aliases,
        category: it.category ?? { en: '', zh: '' },
        famous: it.famous,
        motion: it.motion,
        image,
      };
    }),
  };
}

export async function importDeckZip(bytes: Uint8Array): Promise<ImportedDeck> {
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) throw new UserError('deck-import-bad', { reason: 'not a zip file' });
  const files = unzipBounded(bytes);
  return parseDeck(files.get('deck.json'), (name) => files.get(name));
}
