import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_KNOWLEDGE_DIR, KnowledgeError, loadKnowledge } from '../../src/knowledge/load.ts';

let dir: string;
let good: Record<string, unknown>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kb-'));
  good = JSON.parse(await readFile(join(DEFAULT_KNOWLEDGE_DIR, 'loss.json'), 'utf8'));
  good.related = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, data: unknown): Promise<void> {
  await writeFile(join(dir, name), typeof data === 'string' ? data : JSON.stringify(data));
}

async function failure(): Promise<KnowledgeError> {
  try {
    await loadKnowledge(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(KnowledgeError);
    return e as KnowledgeError;
  }
  throw new Error('expected loadKnowledge to fail');
}

describe('loadKnowledge', () => {
  it('loads a valid entry', async () => {
    await write('loss.json', good);
    const entries = await loadKnowledge(dir);
    expect(entries.map((e) => e.id)).toEqual(['loss']);
  });

  it('names the file and the field of a missing translation', async () => {
    await write('loss.json', { ...good, short: { en: 'Only English. Two sentences.' } });
    const err = await failure();
    expect(err.message).toContain('loss.json');
    expect(err.message).toContain('short.zh');
    expect(err.issues[0]).toMatchObject({ file: 'loss.json', field: 'short.zh' });
  });

  it('names the index of a bad array item and an unknown demo', async () => {
    await write('loss.json', { ...good, keywords: { en: ['ok', ''], zh: ['好'] }, demo: 'nope' });
    const err = await failure();
    const fields = err.issues.map((i) => i.field);
    expect(fields).toContain('keywords.en[1]');
    expect(fields).toContain('demo');
  });

  it('rejects an id that does not match the file name', async () => {
    await write('gain.json', good);
    const err = await failure();
    expect(err.issues[0]).toMatchObject({ file: 'gain.json', field: 'id' });
  });

  it('rejects unknown related ids and unknown fields', async () => {
    await write('loss.json', { ...good, related: ['nowhere'], extra: 1 });
    const err = await failure();
    expect(err.message).toContain('loss.json');
    expect(err.message).toMatch(/extra|unrecognized/i);
    await write('loss.json', { ...good, related: ['nowhere'] });
    const err2 = await failure();
    expect(err2.issues).toEqual([{ file: 'loss.json', field: 'related[0]', message: 'unknown id "nowhere"' }]);
  });

  it('reports invalid JSON with the file name, and every broken file at once', async () => {
    await write('loss.json', '{ "id": "loss", ');
    await write('other.json', { ...good, id: 'other', section: '第九章' });
    const err = await failure();
    expect(err.issues.map((i) => i.file).sort()).toEqual(['loss.json', 'other.json']);
    expect(err.issues.find((i) => i.file === 'other.json')?.field).toBe('section');
  });

  it('skips reserved files starting with an underscore', async () => {
    await write('loss.json', good);
    await write('_meta.json', { anything: true });
    expect(await loadKnowledge(dir)).toHaveLength(1);
  });
});
