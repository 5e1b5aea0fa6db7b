/** Keeps the core pure: no platform, I/O or clock imports in src/core and commands/. */
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

const FORBIDDEN_MODULES = [
  /^node:/,
  /^(fs|path|http|https|net|child_process|os|crypto|timers|worker_threads|readline)(\/|$)/,
  /^discord\.js/,
  /^@discordjs\//,
  /^@slack\//,
  /^sharp$/,
  /^better-sqlite3$/,
  /^kysely$/,
  /^pino/,
  /^ws$/,
  /^dotenv/,
];
const FORBIDDEN_LOCAL = [/\/(adapters|storage|runtime|config)\//, /\/log\.ts$/, /\/images\/(?!deck-schema\.ts)/, /\/knowledge\/load/];
const FORBIDDEN_CALLS = [/\bDate\.now\(/, /\bnew Date\(/, /\bMath\.random\(/, /\bsetTimeout\(/, /\bsetInterval\(/, /\bprocess\./];

/** Value imports only: `import type` is erased and harmless. */
function imports(src: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*import\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  for (const m of src.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  for (const m of src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  for (const m of src.matchAll(/^\s*export\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  return out;
}

const pure = [...files(join(root, 'src/core')), ...files(join(root, 'commands')), ...files(join(root, 'src/views'))];

describe('architecture', () => {
  it('scans a real set of files', () => {
    expect(pure.length).toBeGreaterThan(10);
  });

  it.each(pure.map((p) => [relative(root, p), p]))('%s has no platform, I/O or clock imports', (_name, path) => {
    const src = readFileSync(path, 'utf8');
    const bad: string[] = [];
    for (const spec of imports(src)) {
      if (FORBIDDEN_MODULES.some((re) => re.test(spec))) bad.push(spec);
      if (spec.startsWith('.') && FORBIDDEN_LOCAL.some((re) => re.test(spec))) bad.push(spec);
    }
    for (const re of FORBIDDEN_CALLS) if (re.test(src)) bad.push(re.source);
    expect(bad).toEqual([]);
  });

  it('the scanner catches a forbidden import', () => {
    expect(imports("import { Client } from 'discord.js';\nimport type { X } from 'kysely';")).toEqual(['discord.js']);
  });
});
