import { describe, expect, it } from 'vitest';
import { truncate } from '../../src/core/text/truncate.ts';

describe('truncate', () => {
  it('leaves text within the limit alone', () => {
    expect(truncate('mona lisa', 9)).toBe('mona lisa');
    expect(truncate('😀😀', 2)).toBe('😀😀'); // code points, not UTF-16 units
  });

  it('cuts with an ellipsis that counts towards the limit', () => {
    expect(truncate('mona lisa', 5)).toBe('mona…');
    expect(Array.from(truncate('x'.repeat(5000), 100))).toHaveLength(100);
  });

  it('never splits a grapheme', () => {
    // A family emoji is 5 code points; a flag is 2; é here is e + a combining accent.
    expect(truncate('ab👨‍👩‍👧cd', 6)).toBe('ab…');
    expect(truncate('🇨🇳🇫🇷🇯🇵', 5)).toBe('🇨🇳🇫🇷…');
    expect(truncate('cafe\u0301 noir', 5)).toBe('caf…');
  });

  it('gives nothing for a limit below one', () => {
    expect(truncate('abc', 0)).toBe('');
  });
});
