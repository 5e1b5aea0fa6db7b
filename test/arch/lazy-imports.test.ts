/**
 * The heavy packages load on first use, not at start (an idle bot's memory, see README Benchmarks):
 * no module the bot loads imports them statically. sharp goes through src/images/load-sharp.ts,
 * pinyin-pro through loadPinyin() or the loader in src/runtime/known-chinese.ts, pg and pg-boss through dynamic imports on PostgreSQL only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const LAZY = ['sharp', 'pinyin-pro', 'pg', 'pg-boss'];
/** Tools that are not the bot: benches, the flags deck builder, the test databases. */
const ALLOWED = [/^src\/bench\//, /^src\/images\/build-flags-deck\.ts$/, /^src\/storage\/local-postgres\.ts$/, /^src\/runtime\/pg-boss-scheduler\.ts$/];

/** Static value imports (`import x from 'm'`, `import 'm'`); `import type` and `import('m')` are fine. */
export function staticImports(src: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*import\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  for (const m of src.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  return out;
}

describe('heavy packages load on first use', () => {
  const sources = [...files(join(root, 'src')), ...files(join(root, 'commands'))].map((p) => relative(root, p).replaceAll('\\', '/'));

  it.each(sources.filter((p) => !ALLOWED.some((re) => re.test(p))).map((p) => [p]))('%s imports none of them statically', (path) => {
    const bad = staticImports(readFileSync(join(root, path), 'utf8')).filter((spec) => LAZY.includes(spec));
    expect(bad).toEqual([]);
  });

  it('the scan catches a static import and lets a type import pass', () => {
    expect(staticImports("import sharp from 'sharp';\nimport type { Metadata } from 'sharp';\nconst s = await import('sharp');")).toEqual(['sharp']);
    expect(staticImports("import { pinyin } from 'pinyin-pro';")).toEqual(['pinyin-pro']);
  });

  it('pg-boss-scheduler.ts, which imports pg-boss, is itself loaded dynamically', () => {
    for (const path of sources.filter((p) => !ALLOWED.some((re) => re.test(p)))) {
      const src = readFileSync(join(root, path), 'utf8');
      expect(staticImports(src).some((s) => s.endsWith('pg-boss-scheduler.ts')), path).toBe(false);
    }
  });
});
