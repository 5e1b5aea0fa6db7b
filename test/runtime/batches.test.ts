/** Batches: what arrives while a batch is being written goes into the next one; a failed write fails its own items only. */
import { expect, it } from 'vitest';
import { Batches } from '../../src/runtime/batches.ts';

it('writes a lone item at once, groups the items that arrive meanwhile, and keeps to the size limit', async () => {
  const written: number[][] = [];
  let release: () => void = () => undefined;
  const batches = new Batches<number>(async (items) => {
    written.push(items);
    if (written.length === 1) await new Promise<void>((r) => (release = r));
  }, 2);
  const first = batches.add(1);
  const rest = [2, 3, 4].map((n) => batches.add(n));
  expect(written).toEqual([[1]]);
  release();
  await Promise.all([first, ...rest]);
  expect(written).toEqual([[1], [2, 3], [4]]);
  await batches.drain();
});

it('rejects the items of a failed batch, and the next batch still goes', async () => {
  let calls = 0;
  const batches = new Batches<string>(async () => {
    calls++;
    if (calls === 1) throw new Error('database gone');
  });
  const failed = batches.add('a');
  const later = batches.add('b');
  await expect(failed).rejects.toThrow('database gone');
  await expect(later).resolves.toBeUndefined();
  expect(calls).toBe(2);
});
