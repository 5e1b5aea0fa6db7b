/**
 * The one truncate helper. Platform limits are counted in characters (code points), and a cut
 * must never split what a reader sees as one character: a flag, an emoji with a skin tone or a
 * family, a letter with combining accents. So the text is cut between graphemes, and the
 * ellipsis counts towards `max`.
 */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ELLIPSIS = '…';

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** `s` if it has at most `max` code points, else its longest run of whole graphemes that fits with `…` after it. */
export function truncate(s: string, max: number): string {
  if (s.length <= max || codePoints(s) <= max) return s;
  if (max < 1) return '';
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const n = codePoints(segment);
    if (used + n > max - 1) break;
    out += segment;
    used += n;
  }
  return out + ELLIPSIS;
}
