/** A deck.json that does not fit the schema: the host hears zod's own words and where, on one line. */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { parseDeck } from '../../src/decks/zip.ts';

const json = (d: unknown) => new TextEncoder().encode(JSON.stringify(d));
const picture = () => new Uint8Array([1]);

function reasonOf(d: unknown): string {
  try {
    parseDeck(json(d), picture);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).code).toBe('deck-import-bad');
    return String((e as UserError).params.reason);
  }
  throw new Error('expected parseDeck to refuse the deck');
}

describe('parseDeck: a deck.json that does not fit', () => {
  const item = { id: 'a', image: 'a.webp', answers: { en: 'A' } };

  it('names the field and says what was expected, on one line', () => {
    const reason = reasonOf({ id: 'mine', name: { en: 'Mine' }, items: [{ ...item, famous: 1 }] });
    expect(reason).toBe('deck.json: ✖ Invalid input: expected boolean, received number → at items[0].famous');
    expect(reason).not.toContain('\n');
  });

  it('keeps a custom message of the schema', () => {
    expect(reasonOf({ id: 'mine', name: { en: 'Mine' }, items: [{ ...item, image: '../x' }] })).toContain('a file name in the zip → at items[0].image');
  });

  it('accepts a deck that fits', () => {
    expect(parseDeck(json({ id: 'mine', name: { en: 'Mine' }, items: [item] }), picture).items).toHaveLength(1);
  });
});
