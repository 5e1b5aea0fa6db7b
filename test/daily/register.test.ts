/** /daily's shape on each platform: Discord subcommands, the text form, the terminal's typed buttons. */
import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import daily from '../../commands/daily.ts';
import leaderboard from '../../commands/leaderboard.ts';
import { commands } from '../../commands/index.ts';
import { commandJSON, diffCommands } from '../../src/adapters/discord/register.ts';
import { buttonCommandLine } from '../../src/adapters/terminal/buttons.ts';
import { defineCommand } from '../../src/core/commands/define.ts';

describe('/daily registration', () => {
  it('Discord gets /daily play and /daily stats (a command with subcommands cannot run bare)', () => {
    const json = commandJSON(daily);
    expect(json.options!.map((o) => [o.type, o.name])).toEqual([
      [ApplicationCommandOptionType.Subcommand, 'play'],
      [ApplicationCommandOptionType.Subcommand, 'stats'],
    ]);
    const play = json.options![0] as { description: string; description_localizations: Record<string, string>; options: unknown[] };
    expect(play.description).toBe("Play today's picture, step by step, privately");
    expect(play.description_localizations['zh-CN']).toBe('私下一步步挑战今天的图片');
    expect(play.options).toEqual([]);
    // A changed subcommand is a changed command for `deploy:discord`.
    const changed = { ...json, options: [json.options![0]] };
    expect(diffCommands([changed as never], [json]).changed).toEqual(['daily']);
    expect(diffCommands([json as never], [json]).unchanged).toEqual(['daily']);
  });

  it('leaderboard keeps plain options, with period', () => {
    expect(commandJSON(leaderboard).options!.map((o) => o.name)).toEqual(['scope', 'period']);
  });

  it('a subcommand option must come first', () => {
    expect(() =>
      defineCommand({
        name: 'bad',
        description: { en: 'x', zh: 'x' },
        options: [
          { kind: 'string', name: 'a', description: { en: 'a', zh: 'a' } },
          { kind: 'choice', name: 'b', subcommand: true, description: { en: 'b', zh: 'b' }, choices: [{ value: 'x', label: { en: 'x', zh: 'x' } }] },
        ],
        run: async () => ({ text: '' }),
      }),
    ).toThrow(/subcommand option must be the first/);
  });

  it('the terminal shows the daily buttons as the commands to type', () => {
    const find = (n: string) => commands.find((c) => c.name === n);
    expect(buttonCommandLine('daily:action=next', find)).toBe('/daily next');
    expect(buttonCommandLine('daily:action=guess', find)).toBe('/daily guess <answer>');
    expect(buttonCommandLine('daily:action=share', find)).toBe('/daily share');
  });
});
