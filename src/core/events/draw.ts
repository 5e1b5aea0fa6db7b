/** The event's pictures: drawn from the deck without repeats, deterministically from a seed (the event id). */
import { hashSeed, mulberry32 } from '../random.ts';

/** The event's generator, seeded from its id. */
export function seededRandom(seed: string): () => number {
  return mulberry32(hashSeed(seed));
}

/** `count` distinct ids from `pool` (a partial Fisher–Yates shuffle); at most the pool's size. */
export function drawItems(pool: readonly string[], count: number, seed: string): string[] {
  const ids = [...pool];
  const rnd = seededRandom(seed);
  const n = Math.min(count, ids.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rnd() * (ids.length - i));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, n);
}
