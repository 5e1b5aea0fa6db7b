/**
 * `npm run --silent cli -- stats [--json] [--deck <deck>] [--item <id>] [--db <file or postgres:// URL>]`
 *
 * Prints the emergence figures the /stats command shows, from the bot's database (--db, else
 * DATABASE_URL (PostgreSQL), else DATABASE_PATH, default ./data/emergence.db), as the bot picks it: for each picture with attempts (one picture with --item, a
 * deck's pictures with --deck, else every picture) its curve everywhere and per server, threshold,
 * instability and most common wrong guesses by step; then the knowledge effect (famous vs less-known
 * pictures, flags vs paintings, everywhere). With --json: one JSON document on stdout.
 * Definitions: src/core/stats/figures.ts. Bad usage or an unknown deck/item: exit code 2.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stepLabel } from '../core/game/steps.ts';
import { curveFromAttempts, round4, type Curve, type WrongGuess } from '../core/stats/figures.ts';
import type { KnowledgeGroupId } from '../core/stats/reports.ts';
import { loadDecks } from '../images/decks.ts';
import { SystemClock } from '../runtime/clock.ts';
import { Store, isPostgresUrl } from '../storage/store.ts';
import { attemptsOf, wrongGuesses, type AttemptCountRow } from '../stats/queries.ts';
import { StatsService } from '../stats/service.ts';
import { out, err } from './output.ts';

const USAGE = 'usage: npm run --silent cli -- stats [--json] [--deck <deck>] [--item <id>] [--db <file or postgres:// URL>]\n';
const ID = /^[a-z0-9][a-z0-9-]*$/;

/** A curve as printed: the same fields as `Curve`, shares and instability rounded. */
export type CurveJson = Curve;

export interface PictureJson {
  deck: string;
  item: string;
  name: { en: string; zh: string };
  famous: boolean;
  everywhere: CurveJson;
  servers: Record<string, CurveJson>;
  wrongGuesses: WrongGuess[];
}

export interface StatsJson {
  pictures: PictureJson[];
  knowledge: ({ group: KnowledgeGroupId; pictures: number } & CurveJson)[];
}

export function curveJson(c: Curve): CurveJson {
  return {
    attempts: c.attempts,
    recognised: c.recognised,
    cut: c.cut,
    perStep: c.perStep,
    cumulative: c.cumulative,
    share: c.share.map(round4),
    threshold: c.threshold,
    instability: c.instability === null ? null : round4(c.instability),
  };
}

/** Computes every figure the CLI prints (also used by the tests). */
export async function collectStats(
  store: Store,
  service: StatsService,
  filter: { deckId?: string; itemId?: string },
): Promise<StatsJson> {
  await service.releaseDaily();
  const rows = await attemptsOf(store.db, filter, { byScope: true });
  const pictures = new Map<string, AttemptCountRow[]>();
  for (const r of rows) {
    const k = `${r.deckId}/${r.itemId}`;
    pictures.set(k, [...(pictures.get(k) ?? []), r]);
  }
  const out: PictureJson[] = [];
  for (const list of pictures.values()) {
    const { deckId, itemId } = list[0]!;
    const ref = service.ref(deckId, itemId);
    const servers: Record<string, CurveJson> = {};
    for (const scope of [...new Set(list.map((r) => r.scopeId))].sort()) {
      servers[scope] = curveJson(curveFromAttempts(list.filter((r) => r.scopeId === scope)));
    }
    out.push({
      deck: deckId,
      item: itemId,
      name: ref.name,
      famous: ref.famous,
      everywhere: curveJson(curveFromAttempts(list)),
      servers,
      wrongGuesses: await wrongGuesses(store.db, deckId, itemId, 3),
    });
  }
  const all = await attemptsOf(store.db, {});
  const knowledge = service.knowledgeOf(all).groups.map((g) => ({ group: g.id, pictures: g.pictures, ...curveJson(g.curve) }));
  return { pictures: out, knowledge };
}

const size = (s: number | null) => (s === null ? '-' : stepLabel(s, 'x'));
const pct = (x: number) => `${Math.round(x * 100)}%`.padStart(4);

function text(s: StatsJson): string {
  const lines: string[] = [];
  lines.push('picture                                   players  knew  threshold  instab.  share by 2x2 .. 64x64');
  for (const p of s.pictures) {
    const e = p.everywhere;
    lines.push(
      `${`${p.deck}/${p.item}`.padEnd(40).slice(0, 40)}  ${String(e.attempts).padStart(7)}  ${String(e.recognised).padStart(4)}  ${size(e.threshold).padStart(9)}  ${(e.instability === null ? '-' : e.instability.toFixed(2)).padStart(7)}  ${e.share.map(pct).join(' ')}`,
    );
    for (const w of p.wrongGuesses) lines.push(`    wrong at ${size(w.step)}: ${JSON.stringify(w.text)} (${w.players})`);
  }
  if (s.pictures.length === 0) lines.push('(no attempts yet)');
  lines.push('', 'knowledge effect (everywhere)');
  for (const k of s.knowledge) {
    lines.push(
      `${k.group.padEnd(12)} pictures ${String(k.pictures).padStart(4)}  players ${String(k.attempts).padStart(7)}  threshold ${size(k.threshold).padStart(7)}  ${k.share.map(pct).join(' ')}`,
    );
  }
  return lines.join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  let values: { json?: boolean; deck?: string; item?: string; db?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        deck: { type: 'string' },
        item: { type: 'string' },
        db: { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (e) {
    err(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  (await import('dotenv')).config({ quiet: true });
  // The bot's own choice: PostgreSQL when DATABASE_URL is set, else the SQLite file.
  const dbPath = values.db ?? (process.env.DATABASE_URL?.trim() || process.env.DATABASE_PATH?.trim() || './data/emergence.db');
  if (!isPostgresUrl(dbPath) && !existsSync(dbPath)) {
    err(`no database at ${dbPath} (set DATABASE_URL or DATABASE_PATH, or pass --db)\n`);
    return 2;
  }
  const decks = await loadDecks(process.env.DECKS_DIR || undefined);
  let deckId = values.deck;
  let itemId = values.item;
  if (deckId !== undefined && (!ID.test(deckId) || !decks.get(deckId))) {
    err(`unknown deck "${deckId}"\n`);
    return 2;
  }
  if (itemId !== undefined) {
    if (itemId.includes('/') && deckId === undefined) [deckId, itemId] = itemId.split('/', 2) as [string, string];
    const found = deckId !== undefined ? decks.item(deckId, itemId) : decks.find(itemId)?.item;
    if (!ID.test(itemId) || !found) {
      err(`unknown item "${itemId}"${deckId ? ` in deck "${deckId}"` : ''}\n`);
      return 2;
    }
    deckId ??= decks.find(itemId)!.deck.id;
  }
  let store: Store;
  try {
    store = await Store.open(dbPath);
  } catch (e) {
    // A clear sentence (StartupError: an unreachable server, a damaged file), never the URL's password.
    err(`${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  try {
    const service = new StatsService({ store, decks, clock: new SystemClock() });
    const stats = await collectStats(store, service, { deckId, itemId });
    out(values.json ? JSON.stringify(stats, null, 2) + '\n' : text(stats));
    return 0;
  } finally {
    await store.close();
  }
}
