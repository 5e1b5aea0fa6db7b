import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { packagePath } from '../paths.ts';
import { z } from 'zod';
import { KnowledgeEntrySchema, type KnowledgeEntry } from './schema.ts';

export const DEFAULT_KNOWLEDGE_DIR = packagePath('assets', 'knowledge');

export interface KnowledgeIssue {
  file: string;
  /** Dotted path of the field, e.g. `short.zh` or `related[2]`; empty for the whole file. */
  field: string;
  message: string;
}

/** Every problem found in the knowledge base, each naming its file and field. */
export class KnowledgeError extends Error {
  constructor(readonly issues: KnowledgeIssue[]) {
    super(
      `invalid knowledge base (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${i.file}${i.field ? ` → ${i.field}` : ''}: ${i.message}`).join('\n'),
    );
    this.name = 'KnowledgeError';
  }
}

/**
 * The issues stay one per field (each names its file and field, and every broken file is listed at once),
 * so the path is written by zod's own helper, the one z.prettifyError uses, rather than prettifyError's
 * single string.
 */
function fieldPath(path: readonly PropertyKey[]): string {
  return z.core.toDotPath(path);
}

/** Validates one parsed file; returns the entry or the issues found. */
export function parseKnowledgeEntry(raw: unknown, file: string): { entry?: KnowledgeEntry; issues: KnowledgeIssue[] } {
  const parsed = KnowledgeEntrySchema.safeParse(raw);
  if (!parsed.success) {
    return { issues: parsed.error.issues.map((i) => ({ file, field: fieldPath(i.path), message: i.message })) };
  }
  const expected = basename(file, '.json');
  if (parsed.data.id !== expected) {
    return { issues: [{ file, field: 'id', message: `is "${parsed.data.id}" but the file name says "${expected}"` }] };
  }
  return { entry: parsed.data, issues: [] };
}

/** Cross-entry checks: related ids exist, no entry relates to itself. */
export function checkRelations(entries: { entry: KnowledgeEntry; file: string }[]): KnowledgeIssue[] {
  const ids = new Set(entries.map((e) => e.entry.id));
  const issues: KnowledgeIssue[] = [];
  for (const { entry, file } of entries) {
    entry.related.forEach((r, i) => {
      if (r === entry.id) issues.push({ file, field: `related[${i}]`, message: 'an entry cannot relate to itself' });
      else if (!ids.has(r)) issues.push({ file, field: `related[${i}]`, message: `unknown id "${r}"` });
    });
  }
  return issues;
}

/**
 * Loads and validates every `<id>.json` in the directory (files starting with `_` are
 * reserved and skipped). Throws a `KnowledgeError` listing every problem at once.
 */
export async function loadKnowledge(dir: string = DEFAULT_KNOWLEDGE_DIR): Promise<KnowledgeEntry[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && !f.startsWith('_')).sort();
  const issues: KnowledgeIssue[] = [];
  const loaded: { entry: KnowledgeEntry; file: string }[] = [];
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch (err) {
      issues.push({ file, field: '', message: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    const r = parseKnowledgeEntry(raw, file);
    issues.push(...r.issues);
    if (r.entry) loaded.push({ entry: r.entry, file });
  }
  if (files.length === 0) issues.push({ file: dir, field: '', message: 'no knowledge entries found' });
  issues.push(...checkRelations(loaded));
  if (issues.length > 0) throw new KnowledgeError(issues);
  return loaded.map((l) => l.entry);
}
