/**
 * `npm run --silent cli -- judge --deck <deck> --item <id> [--json] [--] <guess...>`
 *
 * Judges one guess against one item of a built-in deck and prints the verdict word
 * (correct, close or wrong), or with --json exactly one line `{"verdict":"..."}`.
 * Words after the options are joined with single spaces; use `--` before a guess that starts
 * with a dash. Unknown deck or item, or bad usage: a message on stderr and exit code 2.
 * A deck that fails to load for another reason: exit code 1. The other items of the deck are
 * rivals: naming one of them is never judged correct ("Gambia" for Zambia).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileAnswers, judge, loadPinyin, rivalKeys } from '../core/game/judge.ts';
import { DECK_FILE, DEFAULT_DECKS_DIR, loadDeck } from '../images/decks.ts';
import { out, err } from './output.ts';

const USAGE = 'usage: npm run --silent cli -- judge --deck <deck> --item <id> [--json] [--] <guess>\n';
const ID = /^[a-z0-9][a-z0-9-]*$/;

export async function run(argv: string[]): Promise<number> {
  let values: { deck?: string; item?: string; json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        deck: { type: 'string' },
        item: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    err(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const { deck: deckId, item: itemId } = values;
  if (!deckId || !itemId || positionals.length === 0) {
    err(USAGE);
    return 2;
  }
  const guess = positionals.join(' ');

  const dir = path.join(DEFAULT_DECKS_DIR, deckId);
  if (!ID.test(deckId) || !existsSync(path.join(dir, DECK_FILE))) {
    err(`unknown deck "${deckId}"\n`);
    return 2;
  }
  let deck;
  try {
    deck = await loadDeck(dir);
  } catch (e) {
    err(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const item = deck.items.find((i) => i.id === itemId);
  if (!item) {
    err(`unknown item "${itemId}" in deck "${deckId}"\n`);
    return 2;
  }

  await loadPinyin();
  const verdict = judge(guess, compileAnswers(item, { rivals: rivalKeys(deck.items) }));
  out(values.json ? `${JSON.stringify({ verdict })}\n` : `${verdict}\n`);
  return 0;
}
