/**
 * The picture ladder's steps, in one place: the side of the picture at each step, how many steps
 * there are and how a step is written ("16×16"). The ladder, the round engine, the statistics,
 * the charts and every view take them from here.
 */

/** Side of the picture at each step, in pixels (index 0 = step 1): each has four times the pixels of the one before. */
export const STEP_SIDES = [2, 4, 8, 16, 32, 64] as const;
export type StepSide = (typeof STEP_SIDES)[number];

/** Number of picture steps. */
export const STEP_COUNT = STEP_SIDES.length;
/** Step 7: the last guessing window after the 64×64 step. */
export const FINAL_WINDOW = STEP_COUNT + 1;

/** Side of the picture at a step; the last window and anything past it count as the last step. */
export function stepSide(step: number): StepSide {
  return STEP_SIDES[Math.min(Math.max(Math.trunc(step), 1), STEP_COUNT) - 1]!;
}

/** `16×16` for step 4; `sep` is `x` where only ASCII will do (the CLI's tables). */
export function stepLabel(step: number, sep: '×' | 'x' = '×'): string {
  const n = stepSide(step);
  return `${n}${sep}${n}`;
}
