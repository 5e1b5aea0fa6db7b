import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';

const dir = fileURLToPath(new URL('../../commands', import.meta.url));
const NOT_COMMANDS = new Set(['index.ts', 'list.ts']);

describe('commands/index.ts', () => {
  it('lists exactly the command files in the folder', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !NOT_COMMANDS.has(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(commands.map((c) => c.name).sort()).toEqual(files);
  });

  it('every command has English and Chinese descriptions for itself and its options', () => {
    for (const c of commands) {
      expect(c.description.en.length, c.name).toBeGreaterThan(0);
      expect(c.description.zh.length, c.name).toBeGreaterThan(0);
      expect(c.description.en.length, c.name).toBeLessThanOrEqual(100);
      for (const o of c.options) {
        expect(o.description.en.length, `${c.name}.${o.name}`).toBeGreaterThan(0);
        expect(o.description.zh.length, `${c.name}.${o.name}`).toBeGreaterThan(0);
      }
    }
  });

  it('host commands are marked', () => {
    expect(commands.filter((c) => c.host).map((c) => c.name).sort()).toEqual(['skip', 'stop']);
  });
});
