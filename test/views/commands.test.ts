/**
 * Replies name commands the way each platform spells them: `/guess` on Discord and in the
 * terminal, `/emergence guess` (or `/explain`) on Slack. Every locale string is written for
 * every platform, and each command it names must exist there.
 */
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import type { Platform } from '../../src/core/commands/define.ts';
import { plainText, type Locale } from '../../src/core/reply.ts';
import { slackManifest } from '../../src/adapters/slack/manifest.ts';
import { subcommandNames } from '../../src/adapters/slack/inbound.ts';
import {
  COMMAND_KEYS,
  commandText,
  messageKeys,
  messageShape,
  platformOf,
  t,
  type MessageKey,
} from '../../src/views/i18n.ts';
import { loadKnowledge } from '../../src/knowledge/load.ts';
import { explainReply } from '../../src/views/explain.ts';
import { helpReply } from '../../src/views/misc.ts';
import { caller, makeTestApp } from '../fakes/test-app.ts';

const PLATFORMS: Platform[] = ['discord', 'slack', 'terminal'];
const LOCALES: Locale[] = ['en', 'zh'];
const names = commands.map((c) => c.name);

/** The slash commands a player can type on each platform. */
const slashCommands: Record<Platform, Set<string>> = {
  discord: new Set(names),
  terminal: new Set([...names, 'quit', 'exit']),
  // Slack: what the manifest declares, and Slack's own /invite (named by slack.not-in-channel).
  slack: new Set([
    ...(slackManifest(commands).features as { slash_commands: { command: string }[] }).slash_commands.map((s) => s.command.slice(1)),
    'invite',
  ]),
};
const slackSubcommands = new Set(subcommandNames(commands));

/** Commands a text names: `/play`, and on Slack `/emergence play` as the pair [emergence, play]. */
function namedCommands(text: string): [string, string | undefined][] {
  return [...plainText(text).matchAll(/(?<![\w/:.])\/([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?/g)].map((m) => [m[1]!, m[2]]);
}

function problems(platform: Platform, text: string): string[] {
  const bad: string[] = [];
  for (const [name, next] of namedCommands(text)) {
    if (!slashCommands[platform].has(name)) bad.push(`/${name}`);
    else if (platform === 'slack' && `/${name}` === '/emergence' && !(next && slackSubcommands.has(next))) bad.push(`/${name} ${next}`);
  }
  return bad;
}

/** Sample values: a real command where a message names one, numbers elsewhere. */
function sampleParams(key: MessageKey): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const arg of messageShape('en', key).args) {
    values[arg] = arg === 'command' ? 'guess' : arg === 'example' ? 'picture mona-lisa' : 2;
  }
  return values;
}

/** Keys for one platform's own screens are only written there. */
const shownOn = (key: string, platform: Platform) => !/^(discord|slack|terminal)\./.test(key) || key.startsWith(`${platform}.`);

describe('commands named in replies', () => {
  const cases = PLATFORMS.flatMap((platform) => LOCALES.map((locale) => [platform, locale] as const));

  it.each(cases)('every locale string on %s (%s) names only commands that exist there', (platform, locale) => {
    const bad: string[] = [];
    let named = 0;
    for (const key of messageKeys().filter((k) => shownOn(k, platform))) {
      const text = t({ locale, platform }, key, sampleParams(key));
      named += namedCommands(text).length;
      for (const p of problems(platform, text)) bad.push(`${key}: ${p} in “${text}”`);
    }
    expect(bad).toEqual([]);
    expect(named).toBeGreaterThan(20);
  });

  it.each(cases)('/help on %s (%s) lists the commands as they are typed there', (platform, locale) => {
    const help = helpReply({ locale, platform }, commands).fields![0]!.value;
    expect(namedCommands(help).length).toBe(commands.length);
    expect(problems(platform, help)).toEqual([]);
  });

  it.each(PLATFORMS)('/explain answers on %s name only commands that exist there', async (platform) => {
    const entries = await loadKnowledge();
    const bad: string[] = [];
    let named = 0;
    for (const e of entries) {
      for (const locale of LOCALES) {
        for (const detail of ['short', 'long'] as const) {
          const entry = { ...e, section: '1', related: [] };
          const r = explainReply({ locale, entry, suggestions: [], credit: { en: '', zh: '' } }, 'q', detail, platform);
          named += namedCommands(r.text).length;
          for (const p of problems(platform, r.text)) bad.push(`${e.id} (${locale}, ${detail}): ${p}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(named).toBeGreaterThan(0);
  });

  it('the check catches a command that does not exist on the platform', () => {
    expect(problems('slack', 'Start with `/guess mona lisa`.')).toEqual(['/guess']);
    expect(problems('slack', 'Try `/emergence dance`.')).toEqual(['/emergence dance']);
    expect(problems('discord', 'Try `/emergence play`.')).toEqual(['/emergence']);
    expect(problems('slack', 'Try `/emergence play` or `/explain emergence`.')).toEqual([]);
  });

  it('COMMAND_KEYS lists exactly the messages that name a command', () => {
    const withCommand = messageKeys().filter((k) => messageShape('en', k).tags.includes('cmd'));
    expect([...COMMAND_KEYS].sort()).toEqual(withCommand.sort());
  });

  it('Slack gets the umbrella command, or the command of its own', () => {
    expect(commandText('slack', 'guess mona lisa')).toBe('/emergence guess mona lisa');
    expect(commandText('slack', '/explain emergence')).toBe('/explain emergence');
    expect(commandText('discord', 'guess mona lisa')).toBe('/guess mona lisa');
    expect(commandText('terminal', 'play deck:flags')).toBe('/play deck:flags');
    const slack = { locale: 'en', platform: 'slack' } as const;
    expect(t(slack, 'errors.missing-option', { command: 'guess', option: 'answer' })).toBe('/emergence guess needs answer.');
    expect(t(slack, 'errors.empty-guess')).toBe('Type a guess, for example `/emergence guess mona lisa`.');
    expect(t({ locale: 'zh', platform: 'slack' }, 'leaderboard.empty')).toContain('`/emergence play`');
  });

  it('a round message names the command of the platform its channel is on', () => {
    expect(platformOf('slack:C1')).toBe('slack');
    expect(platformOf('terminal:local')).toBe('terminal');
    expect(platformOf('discord:123')).toBe('discord');
  });

  it('the dispatcher answers a Slack player with Slack commands', async () => {
    const app = await makeTestApp();
    try {
      const slack = caller('ann', { platform: 'slack', userId: 'slack:U1', channelId: 'slack:C1', scopeId: 'slack:T1' });
      const [missing] = await app.app.dispatcher.runText(slack, '/guess');
      expect(plainText(missing!.text)).toBe('/emergence guess needs answer.');
      const [noRound] = await app.app.dispatcher.runText(slack, '/hint');
      expect(plainText(noRound!.text)).toContain('`/emergence play`');
      const [discord] = await app.app.dispatcher.runText(caller('bob', { platform: 'discord', userId: 'discord:1' }), '/guess');
      expect(plainText(discord!.text)).toBe('/guess needs answer.');
    } finally {
      await app.cleanup();
    }
  }, 60_000);
});
