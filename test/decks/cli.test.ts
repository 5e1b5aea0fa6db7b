/** The operators' import: `cli deck import <folder|zip> --scope <id>`, run as a real process. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DeckService } from '../../src/decks/service.ts';
import { Store } from '../../src/storage/store.ts';
import { goodPng } from './fixtures.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'emergence-deck-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli deck import', { timeout: 120_000 }, () => {
  it('imports a folder into one server, checking every picture', async () => {
    const folder = join(dir, 'town');
    const db = join(dir, 'cli.db');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'bridge.png'), await goodPng(200, 100, 10));
    writeFileSync(join(folder, 'notes.png'), 'not a picture');
    const deck = (items: object[]) =>
      writeFileSync(join(folder, 'deck.json'), JSON.stringify({ id: 'town', name: { en: 'Our town', zh: '我们的小镇' }, items }));
    deck([
      { id: 'bridge', image: 'bridge.png', answers: { en: 'Bridge', zh: '桥' } },
      { id: 'notes', image: 'notes.png', answers: { en: 'Notes' } },
    ]);
    const bad = await run('npx', ['tsx', 'src/cli.ts', 'deck', 'import', folder, '--scope', 'discord:42', '--db', db]).catch((e: { code: number; stderr: string }) => e);
    expect('code' in bad && bad.code).toBe(1);
    expect((bad as { stderr: string }).stderr).toContain('Picture notes of the zip was refused: upload-not-image');

    deck([{ id: 'bridge', image: 'bridge.png', answers: { en: 'Bridge', zh: '桥' } }]);
    const ok = await run('npx', ['tsx', 'src/cli.ts', 'deck', 'import', folder, '--scope', '42', '--db', db]);
    expect(ok.stdout).toBe('imported town (1 pictures) into discord:42\n');

    const store = await Store.open(db);
    try {
      const svc = new DeckService({ db: store.db, now: () => 0, builtInIds: () => [], hosts: () => [] });
      const d = await svc.deckForPlay('discord:42', 'town');
      expect(d?.items.map((i) => [i.id, i.answers])).toEqual([['bridge', { en: 'Bridge', zh: '桥' }]]);
      expect(await svc.deckForPlay('discord:43', 'town')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
