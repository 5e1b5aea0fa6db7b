/**
 * The one edit distance of the project: Damerau-Levenshtein in its optimal string alignment form
 * (adjacent transpositions count 1, no substring is edited twice), on code points, bounded.
 * Hand-written rather than taken from npm because the judge calls it for every run of guess
 * words against every answer, and the packages found compute the whole matrix without a bound
 * and allocate on each call; this one stops as soon as the bound is passed and reuses its rows.
 * Pure: module-level buffers only, never shared across an await.
 */

let rowA: Int32Array = new Int32Array(64);
let rowB: Int32Array = new Int32Array(64);
let rowC: Int32Array = new Int32Array(64);
let codesA: Int32Array = new Int32Array(64);
let codesB: Int32Array = new Int32Array(64);
const SURROGATE = /[\ud800-\udfff]/;

function toCodes(s: string, buf: Int32Array): [Int32Array, number] {
  let out = buf;
  if (SURROGATE.test(s)) {
    const cps = Array.from(s, (c) => c.codePointAt(0) ?? 0);
    if (out.length < cps.length) out = new Int32Array(cps.length * 2);
    for (let i = 0; i < cps.length; i++) out[i] = cps[i];
    return [out, cps.length];
  }
  if (out.length < s.length) out = new Int32Array(s.length * 2);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return [out, s.length];
}

/**
 * Edit distance between `a` and `b` counting insertions, deletions, substitutions and adjacent
 * transpositions as 1 (optimal string alignment). With `max`, returns `max + 1` as soon as the
 * distance is known to exceed `max` (cheaper). O(|a|·|b|) time, O(|b|) memory.
 */
export function damerauLevenshtein(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  const limit = max < 0 ? 0 : max;
  const [ca, n] = toCodes(a, codesA);
  codesA = ca;
  const [cb, m] = toCodes(b, codesB);
  codesB = cb;
  if (Math.abs(n - m) > limit) return limit + 1;
  if (n === 0) return m;
  if (m === 0) return n;

  if (rowA.length < m + 1) {
    rowA = new Int32Array((m + 1) * 2);
    rowB = new Int32Array((m + 1) * 2);
    rowC = new Int32Array((m + 1) * 2);
  }
  let prev2 = rowA; // row i-2
  let prev = rowB; // row i-1
  let cur = rowC; // row i
  for (let j = 0; j <= m; j++) prev[j] = j;
  let prevMin = 0;

  for (let i = 1; i <= n; i++) {
    const ai = ca[i - 1];
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const bj = cb[j - 1];
      const cost = ai === bj ? 0 : 1;
      let v = prev[j - 1] + cost;
      const del = prev[j] + 1;
      if (del < v) v = del;
      const ins = cur[j - 1] + 1;
      if (ins < v) v = ins;
      if (i > 1 && j > 1 && ai === cb[j - 2] && ca[i - 2] === bj) {
        const tr = prev2[j - 2] + 1;
        if (tr < v) v = tr;
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // Every cell of row i+1 comes from row i (cost ≥ 0) or row i-1 (cost 1): once two rows in a
    // row exceed the limit, the distance does too.
    if (rowMin > limit && prevMin > limit) return limit + 1;
    prevMin = rowMin;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[m];
  return d > limit ? limit + 1 : d;
}
