/**
 * The package root, where assets/ lives. This file sits one folder below the root both as
 * source (src/paths.ts) and when compiled (every file of the dist/ bundle is directly in dist/),
 * so `..` is the root in either case. Code that reads files shipped with the package resolves
 * them from here: a path relative to its own module would break once bundled into dist/.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT: string = fileURLToPath(new URL('../', import.meta.url)).replace(/[\\/]$/, '');

/** A path inside the package, e.g. `packagePath('assets', 'decks')`. */
export function packagePath(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}
