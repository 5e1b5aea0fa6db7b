import { describe, expect, it } from 'vitest';
import { damerauLevenshtein } from '../../src/core/text/edit-distance.ts';

describe('damerauLevenshtein', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['abc', 'abc', 0],
    ['kitten', 'sitting', 3],
    ['ab', 'ba', 1],
    ['abcd', 'acbd', 1],
    ['monalisa', 'monalsia', 1],
    ['ca', 'abc', 3], // optimal string alignment (unrestricted Damerau-Levenshtein gives 2)
    ['😀a', 'a', 1], // code points, not UTF-16 units
    ['猫', '狗', 1],
  ])('%j ↔ %j = %i', (a, b, d) => {
    expect(damerauLevenshtein(a, b)).toBe(d);
    expect(damerauLevenshtein(b, a)).toBe(d);
  });

  it('stops at max + 1', () => {
    expect(damerauLevenshtein('kitten', 'sitting', 1)).toBe(2);
    expect(damerauLevenshtein('kitten', 'sitting', 3)).toBe(3);
    expect(damerauLevenshtein('abcdefgh', 'hgfedcba', 2)).toBe(3);
    expect(damerauLevenshtein('a'.repeat(10_000), 'b'.repeat(20), 2)).toBe(3);
  });

  it('handles 10 KB against a short answer', () => {
    expect(damerauLevenshtein('a'.repeat(10_000), 'b'.repeat(20))).toBe(10_000);
  });
});
