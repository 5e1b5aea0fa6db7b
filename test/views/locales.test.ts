/** The locale files: same keys and placeholders in every language, valid ICU, plurals, no dead keys. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from '../../assets/locales/en.json' with { type: 'json' };
import zh from '../../assets/locales/zh.json' with { type: 'json' };
import { messageKeys, messageShape, t } from '../../src/views/i18n.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('locale files', () => {
  it('en and zh have the same keys', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    expect(messageKeys().length).toBeGreaterThan(100);
  });

  it.each(messageKeys())('%s: same placeholders and tags in en and zh', (key) => {
    const a = messageShape('en', key);
    const b = messageShape('zh', key);
    expect([...b.args].sort()).toEqual([...a.args].sort());
    expect([...b.tags].sort()).toEqual([...a.tags].sort());
  });

  it('the shape check sees placeholders inside plurals and tags', () => {
    expect(messageShape('en', 'leaderboard.row').args.sort()).toEqual(['name', 'points', 'rank', 'solved', 'wins']);
    expect(messageShape('en', 'errors.missing-option')).toEqual({ args: ['command', 'option'], tags: ['cmd'] });
  });

  it('no message uses the old `{n} thing(s)` style where a plural belongs', () => {
    const bad = Object.entries(en).filter(([, v]) => /\(s\)|\(es\)/.test(v));
    expect(bad).toEqual([]);
  });
});

describe('plurals', () => {
  it('English says 1 point, 2 points', () => {
    const row = (n: number) => t('en', 'leaderboard.row', { rank: 1, name: 'ann', points: n, wins: n, solved: n });
    expect(row(1)).toBe('1. ann: 1 pt · 1 win · 1 solved');
    expect(row(2)).toBe('1. ann: 2 pts · 2 wins · 2 solved');
    expect(t('en', 'guess.correct.winner', { step: 6, size: '64×64', points: 1 })).toContain('+1 point.');
    expect(t('en', 'stats.here.row', { attempts: 1, threshold: '–', instability: '–' })).toMatch(/^1 player ·/);
    expect(t('en', 'stats.server.summary', { rounds: 1, players: 3, guesses: 1, pictures: 1 })).toBe(
      '**1** round, **3** players, **1** guess. 1 picture met here.',
    );
  });

  it('Chinese has one form', () => {
    expect(t('zh', 'leaderboard.row', { rank: 1, name: 'ann', points: 1, wins: 2, solved: 1 })).toBe('1. ann：1 分 · 2 胜 · 认出 1 次');
  });

  it('a decimal count reads as a plural', () => {
    expect(t('en', 'stats.instability', { value: 1 })).toContain('it 1 step away');
    expect(t('en', 'stats.instability', { value: 1.5 })).toContain('it 1.5 steps away');
  });
});

describe('t()', () => {
  it('leaves a missing placeholder visible instead of failing', () => {
    expect(t('en', 'recap.title', {})).toBe('It was: {answer}');
  });

  it('accepts only keys from the English file', () => {
    // @ts-expect-error: not a message key; if this line compiles, keys are no longer typed
    expect(t('en', 'no.such.key')).toBe('no.such.key');
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * A key counts as used when the code names it, or when it names its family
 * (`` `errors.${code}` ``) and the rest of the key appears as a string literal (`'no-round'`).
 */
function unusedKeys(code: string, keys: string[]): string[] {
  const families = [...code.matchAll(/`([a-z][\w.-]*\.)\$\{/g)].map((m) => m[1]!);
  return keys.filter((key) => {
    if (new RegExp(`['"\`]${key.replace(/[.]/g, '\\.')}['"\`]`).test(code)) return false;
    return !families.some((f) => key.startsWith(f) && new RegExp(`['"]${key.slice(f.length)}['"]`).test(code));
  });
}

describe('unused locale keys', () => {
  const code = [...sources(join(root, 'src')), ...sources(join(root, 'commands'))]
    .map((p) => readFileSync(p, 'utf8'))
    .join('\n');

  it('every key is used by the code', () => {
    expect(unusedKeys(code, messageKeys())).toEqual([]);
  });

  it('the check finds a key nobody uses', () => {
    expect(unusedKeys("t(l, 'a.b'); t(l, `errors.${c}`); new UserError('no-round')", ['a.b', 'a.c', 'errors.no-round', 'errors.x'])).toEqual(
      ['a.c', 'errors.x'],
    );
  });
});
