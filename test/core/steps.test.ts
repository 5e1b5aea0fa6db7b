import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FINAL_WINDOW, STEP_COUNT, STEP_SIDES, stepLabel, stepSide } from '../../src/core/game/steps.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('picture steps', () => {
  it('are the article’s six sides, each with four times the pixels of the one before', () => {
    expect([...STEP_SIDES]).toEqual([2, 4, 8, 16, 32, 64]);
    expect(STEP_COUNT).toBe(6);
    expect(FINAL_WINDOW).toBe(7);
  });

  it('are written as side × side, the last window counting as the last step', () => {
    expect([1, 2, 3, 4, 5, 6].map((s) => stepLabel(s))).toEqual(['2×2', '4×4', '8×8', '16×16', '32×32', '64×64']);
    expect(stepLabel(FINAL_WINDOW)).toBe('64×64');
    expect(stepLabel(0)).toBe('2×2');
    expect(stepLabel(4, 'x')).toBe('16x16');
    expect(stepSide(99)).toBe(64);
  });

  it('are defined in steps.ts only: no other source keeps its own list of sides', () => {
    const own = join(root, 'src/core/game/steps.ts');
    const copies = [...files(join(root, 'src')), ...files(join(root, 'commands'))]
      .filter((p) => p !== own && /\[\s*2\s*,\s*4\s*,\s*8\s*,\s*16\s*,\s*32\s*,\s*64\s*\]/.test(readFileSync(p, 'utf8')))
      .map((p) => relative(root, p));
    expect(copies).toEqual([]);
  });
});
