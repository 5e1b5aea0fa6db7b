import { describe, expect, it } from 'vitest';
import { defineCommand, type CommandDef } from '../../src/core/commands/define.ts';
import { coerceOptions, parseArgs, splitCommand } from '../../src/core/commands/parse.ts';
import { UserError } from '../../src/core/errors.ts';

const play: CommandDef = defineCommand({
  name: 'play',
  description: { en: 'p', zh: 'p' },
  options: [
    { kind: 'string', name: 'deck', description: { en: '', zh: '' } },
    {
      kind: 'choice',
      name: 'mode',
      description: { en: '', zh: '' },
      choices: [
        { value: 'race', label: { en: 'race', zh: '竞速' } },
        { value: 'experiment', label: { en: 'experiment', zh: '实验' } },
      ],
    },
    { kind: 'string', name: 'item', description: { en: '', zh: '' } },
    { kind: 'integer', name: 'step-seconds', min: 5, max: 120, description: { en: '', zh: '' } },
  ],
  run: async () => ({ text: '' }),
});
const guess: CommandDef = defineCommand({
  name: 'guess',
  description: { en: 'g', zh: 'g' },
  options: [{ kind: 'string', name: 'answer', required: true, rest: true, description: { en: '', zh: '' } }],
  run: async () => ({ text: '' }),
});

describe('text command syntax', () => {
  it('splits a slash command', () => {
    expect(splitCommand('/play deck:masterpieces')).toEqual({ name: 'play', args: 'deck:masterpieces' });
    expect(splitCommand('  /HELP ')).toEqual({ name: 'help', args: '' });
    expect(splitCommand('mona lisa')).toBeNull();
  });

  it('parses key:value options', () => {
    expect(parseArgs(play, 'deck:masterpieces item:mona-lisa mode:race')).toEqual({
      deck: 'masterpieces',
      item: 'mona-lisa',
      mode: 'race',
    });
  });

  it('parses positional values in option order and quoted values', () => {
    expect(parseArgs(play, 'everyday experiment')).toEqual({ deck: 'everyday', mode: 'experiment' });
    expect(parseArgs(play, 'deck:"everyday" step-seconds:30')).toEqual({ deck: 'everyday', 'step-seconds': '30' });
  });

  it('gives the rest of the line to a rest option, literally', () => {
    expect(parseArgs(guess, 'the mona lisa')).toEqual({ answer: 'the mona lisa' });
    expect(parseArgs(guess, 'answer:星月夜')).toEqual({ answer: '星月夜' });
    expect(parseArgs(guess, 'deck:x is not an option here')).toEqual({ answer: 'deck:x is not an option here' });
  });

  it('refuses unknown options and extra values with a user error', () => {
    expect(() => parseArgs(play, 'colour:red')).toThrow(UserError);
    expect(() => parseArgs(play, 'a b c d e')).toThrow(UserError);
  });

  it('coerces and validates values', () => {
    expect(coerceOptions(play, { 'step-seconds': '30', mode: 'RACE' })).toEqual({ 'step-seconds': 30, mode: 'race' });
    const codes = (raw: Record<string, string>) => {
      try {
        coerceOptions(play, raw);
        return 'ok';
      } catch (e) {
        return (e as UserError).code;
      }
    };
    expect(codes({ 'step-seconds': '3' })).toBe('out-of-range');
    expect(codes({ 'step-seconds': 'ten' })).toBe('bad-integer');
    expect(codes({ mode: 'chaos' })).toBe('bad-choice');
    expect(() => coerceOptions(guess, {})).toThrow(/missing-option/);
  });
});

describe('error replies', () => {
  it('mark what the user typed as user text, so adapters neutralise it', async () => {
    const { makeTestApp, caller } = await import('../fakes/test-app.ts');
    const t = await makeTestApp();
    try {
      const [r] = await t.app.dispatcher.runText(caller('ann'), '/play deck:<!here>');
      expect(r!.ephemeral).toBe(true);
      expect(r!.text).toContain('\uE000<!here>\uE001');
    } finally {
      await t.cleanup();
    }
    // Loading the whole app (sharp, SQLite) can take seconds on a busy machine.
  }, 60_000);
});
