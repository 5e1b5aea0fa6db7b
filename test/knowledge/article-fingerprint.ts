/**
 * The article's fingerprint for the writing-rule test: a hash of every run of 14 characters of its text
 * (Han, Latin letters and digits; the rest dropped), so that the test can tell a copied run without the
 * article itself, which stays outside the repository (../shared/article). No sentence of it is kept here.
 *
 * `npx tsx test/knowledge/article-fingerprint.ts` writes article-fingerprint.json from ../shared/article.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const RUN = 14;
export const ARTICLE = fileURLToPath(new URL('../../../shared/article/000_e1e7f7ad76ba9c40.txt', import.meta.url));
const FILE = new URL('./article-fingerprint.json', import.meta.url);

/** The characters the comparison keeps. */
export const keptText = (s: string): string => s.replace(/[^\p{Script=Han}a-zA-Z0-9]/gu, '');

/** FNV-1a over a run's UTF-16 code units. */
export function runHash(run: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < run.length; i++) h = Math.imul(h ^ run.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The hashes of every run of RUN characters of a kept text. */
export function runHashes(kept: string): Set<number> {
  const chars = Array.from(kept);
  const out = new Set<number>();
  for (let i = 0; i + RUN <= chars.length; i++) out.add(runHash(chars.slice(i, i + RUN).join('')));
  return out;
}

export function encode(hashes: Set<number>): string {
  return Buffer.from(new Uint32Array([...hashes].sort((a, b) => a - b)).buffer).toString('base64');
}

export function readFingerprint(): Set<number> {
  const { hashes } = JSON.parse(readFileSync(FILE, 'utf8')) as { hashes: string };
  // Copied out of Node's pooled buffer, whose offset need not be a multiple of 4.
  return new Set(new Uint32Array(Uint8Array.from(Buffer.from(hashes, 'base64')).buffer));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const hashes = runHashes(keptText(readFileSync(ARTICLE, 'utf8')));
  writeFileSync(FILE, JSON.stringify({ run: RUN, hashes: encode(hashes) }) + '\n');
  process.stdout.write(`wrote ${hashes.size} run hashes\n`);
}
