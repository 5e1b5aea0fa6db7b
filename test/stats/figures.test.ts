/** The pure figures, on rows small enough to check by hand. */
import { describe, expect, it } from 'vitest';
import { curveFromAttempts, medianStep, personalFigures, poolRows, thresholdOf } from '../../src/core/stats/figures.ts';

describe('curveFromAttempts', () => {
  it('without cut-short attempts the curve is the plain cumulative share', () => {
    // 5 attempts: recognised at 2, 3, 4, 5; one never (saw all six steps).
    const c = curveFromAttempts([
      { recStep: 2, seen: 6, n: 1 },
      { recStep: 3, seen: 6, n: 1 },
      { recStep: 4, seen: 6, n: 1 },
      { recStep: 5, seen: 6, n: 1 },
      { recStep: null, seen: 6, n: 1 },
    ]);
    expect(c.attempts).toBe(5);
    expect(c.recognised).toBe(4);
    expect(c.cut).toBe(0);
    expect(c.perStep).toEqual([0, 1, 1, 1, 1, 0]);
    expect(c.cumulative).toEqual([0, 1, 2, 3, 4, 4]);
    [0, 0.2, 0.4, 0.6, 0.8, 0.8].forEach((v, i) => expect(c.share[i]).toBeCloseTo(v, 10));
    // 4 recognisers at 2, 3, 4, 5: half (2) had recognised it by step 3 → the lower median.
    expect(c.threshold).toBe(3);
    // |2-3| + |3-3| + |4-3| + |5-3| = 4, over 4 recognisers.
    expect(c.instability).toBe(1);
  });

  it('a cut-short attempt counts for the steps it saw, not after (Kaplan–Meier)', () => {
    // 4 attempts: recognised at 2 and at 4; two never, one of them cut short after step 3.
    const c = curveFromAttempts([
      { recStep: 2, seen: 6, n: 1 },
      { recStep: 4, seen: 6, n: 1 },
      { recStep: null, seen: 3, n: 1 },
      { recStep: null, seen: 6, n: 1 },
    ]);
    expect(c.cut).toBe(1);
    // Step 2: 1 of 4 at risk → 1/4. Step 4: at risk = recognised at 4 + the full unrecognised one = 2,
    // 1 recognises → not-yet share 3/4 × 1/2 = 3/8 → curve 5/8.
    [0, 0.25, 0.25, 0.625, 0.625, 0.625].forEach((v, i) => expect(c.share[i]).toBeCloseTo(v, 10));
    // The plain cumulative count stays a count.
    expect(c.cumulative).toEqual([0, 1, 1, 2, 2, 2]);
    expect(c.threshold).toBe(2);
    expect(c.instability).toBe(1);
  });

  it('nobody recognised it: no threshold, no instability, a flat curve', () => {
    const c = curveFromAttempts([{ recStep: null, seen: 6, n: 3 }]);
    expect(c).toMatchObject({ attempts: 3, recognised: 0, threshold: null, instability: null });
    expect(c.share).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('no attempts at all', () => {
    const c = curveFromAttempts([]);
    expect(c).toMatchObject({ attempts: 0, recognised: 0, cut: 0, threshold: null, instability: null });
    expect(c.share).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('everybody at the same step: instability 0', () => {
    expect(curveFromAttempts([{ recStep: 4, seen: 6, n: 7 }])).toMatchObject({ threshold: 4, instability: 0 });
  });
});

describe('threshold and medians', () => {
  it('the lower median: even counts whose middle two steps differ take the earlier', () => {
    expect(medianStep([3, 3, 4, 5])).toBe(3);
    expect(medianStep([2, 4])).toBe(2);
    expect(medianStep([5, 2, 4])).toBe(4);
    expect(medianStep([6])).toBe(6);
    expect(medianStep([])).toBeNull();
    expect(thresholdOf([0, 0, 0, 0, 0, 0])).toBeNull();
    // 9 recognisers: needs 5 (4.5 rounded up) → by step 4 (0, 3, 4, 8).
    expect(thresholdOf([0, 3, 1, 4, 1, 0])).toBe(4);
  });

  it('pools rows with the same outcome', () => {
    const pooled = poolRows([
      [{ recStep: 2, seen: 6, n: 1 }, { recStep: null, seen: 4, n: 2 }],
      [{ recStep: 2, seen: 6, n: 3 }],
    ]);
    expect(pooled).toEqual([
      { recStep: 2, seen: 6, n: 4 },
      { recStep: null, seen: 4, n: 2 },
    ]);
  });

  it('personal threshold against everyone on the same pictures', () => {
    const f = personalFigures(3, [
      { step: 4, everyonePerStep: [0, 2, 1, 2, 1, 0] }, // that picture's threshold: 3 → later
      { step: 2, everyonePerStep: [0, 1, 0, 2, 0, 0] }, // threshold 4 → earlier
    ]);
    // Mine: 2, 4 → 2. Everyone pooled: [0,3,1,4,1,0] → 9 recognisers → step 4.
    expect(f).toEqual({ pictures: 3, recognised: 2, median: 2, everyone: 4, earlier: 1, same: 0, later: 1 });
  });
});
