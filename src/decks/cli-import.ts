/**
 * Operators: `npm run --silent cli -- deck import <folder|zip> --scope <server id> [--db <file or URL>]`
 * makes a server deck from a deck folder (deck.json + pictures) or an export zip, with every picture
 * checked as an upload is; `deck block <sha256> [--note text]` adds a content hash to the blocklist.
 * The scope is the server as the bot names it: `discord:<guild id>`, `slack:<team id>` (a bare id is
 * taken as a Discord guild).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Caller } from '../core/commands/define.ts';
import { isUserError } from '../core/errors.ts';
import { loadDecks } from '../images/decks.ts';
import { Store } from '../storage/store.ts';
import { t } from '../views/i18n.ts';
import { MAX_UPLOAD_BYTES, MAX_ZIP_BYTES, MAX_ZIP_ENTRIES } from './limits.ts';
import { DeckService } from './service.ts';
import { importDeckZip, parseDeck, type ImportedDeck } from './zip.ts';

const USAGE =
  'usage: npm run --silent cli -- deck import <folder|zip> --scope <server id> [--db <file or postgres:// URL>]\n' +
  '       npm run --silent cli -- deck block <sha256> [--note <text>] [--db …]\n';

async function readSource(src: string): Promise<ImportedDeck> {
  const info = await stat(src);
  if (info.isFile()) {
    if (info.size > MAX_ZIP_BYTES) throw new Error(`${src}: larger than ${MAX_ZIP_BYTES / 1024 / 1024} MB`);
    return importDeckZip(new Uint8Array(await readFile(src)));
  }
  const names = (await readdir(src, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  if (names.length > MAX_ZIP_ENTRIES + 1) throw new Error(`${src}: more than ${MAX_ZIP_ENTRIES} files`);
  const files = new Map<string, Uint8Array>();
  for (const name of names) {
    const p = path.join(src, name);
    if ((await stat(p)).size > MAX_UPLOAD_BYTES) throw new Error(`${p}: larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
    files.set(name, new Uint8Array(await readFile(p)));
  }
  return parseDeck(files.get('deck.json'), (n) => files.get(n));
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { scope: { type: 'string' }, db: { type: 'string' }, note: { type: 'string' } } });
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const [action, target, ...extra] = parsed.positionals;
  if (!target || extra.length || (action === 'import' && !parsed.values.scope)) {
    process.stderr.write(USAGE);
    return 2;
  }
  (await import('dotenv')).config({ quiet: true });
  const location = parsed.values.db ?? (process.env.DATABASE_URL?.trim() || process.env.DATABASE_PATH?.trim() || './data/emergence.db');
  const store = await Store.open(location);
  try {
    const builtIn = (await loadDecks(process.env.DECKS_DIR?.trim() || undefined)).list().map((d) => d.id);
    const svc = new DeckService({ db: store.db, now: () => Date.now(), builtInIds: () => builtIn, hosts: () => [] });
    if (action === 'block') {
      if (!/^[0-9a-f]{64}$/i.test(target)) throw new Error('a sha256 is 64 hex digits');
      await svc.block(target, parsed.values.note ?? 'operator');
      process.stdout.write(`blocked ${target.toLowerCase()}\n`);
      return 0;
    }
    if (action !== 'import') {
      process.stderr.write(USAGE);
      return 2;
    }
    const scope = parsed.values.scope!.includes(':') ? parsed.values.scope! : `discord:${parsed.values.scope}`;
    const operator: Caller = { platform: 'terminal', userId: 'operator', userName: 'operator', locale: 'en', isHost: true, channelId: 'operator', scopeId: scope };
    const deck = await svc.importDeck(operator, await readSource(path.resolve(target)));
    process.stdout.write(`imported ${deck.id} (${deck.items} pictures) into ${scope}\n`);
    return 0;
  } catch (e) {
    const msg = isUserError(e) ? t({ locale: 'en', platform: 'terminal' }, `errors.${e.code}`, e.params).replace(/[\uE000\uE001]/g, '') : e instanceof Error ? e.message : String(e);
    process.stderr.write(`${msg}\n`);
    return 1;
  } finally {
    await store.close();
  }
}
