import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { BOT_EVENTS, BOT_SCOPES, manifestJson, slackManifest } from '../../src/adapters/slack/manifest.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Manifest {
  features: { slash_commands: { command: string; usage_hint: string; url?: string; should_escape: boolean }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[]; request_url?: string };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
}

describe('Slack manifest', () => {
  it('assets/slack/manifest.json is current (run `npm run manifest:slack` after changing commands/)', () => {
    const committed = readFileSync(`${root}/assets/slack/manifest.json`, 'utf8');
    expect(committed).toBe(manifestJson(commands));
  });

  it('declares /emergence with every command, /explain of its own when it exists, and only what the app uses', () => {
    const m = slackManifest(commands) as unknown as Manifest;
    const slash = m.features.slash_commands;
    expect(slash[0]!.command).toBe('/emergence');
    const hint = slash[0]!.usage_hint;
    for (const c of commands.filter((c) => c.name !== 'explain')) expect(hint).toContain(c.name);
    expect(slash.map((s) => s.command)).toEqual(commands.some((c) => c.name === 'explain') ? ['/emergence', '/explain'] : ['/emergence']);
    expect(slash.every((s) => s.should_escape === false)).toBe(true);
    expect(m.oauth_config.scopes.bot).toEqual([...BOT_SCOPES]);
    expect(m.oauth_config.scopes.bot).toEqual(['channels:history', 'channels:read', 'chat:write', 'commands', 'files:read', 'files:write', 'groups:read', 'users:read']);
    expect(m.settings.event_subscriptions.bot_events).toEqual([...BOT_EVENTS]);
    expect(m.settings).toMatchObject({ interactivity: { is_enabled: true }, socket_mode_enabled: true });
  });

  it('is generated from the command list: a new command appears by itself', () => {
    const extra = { ...commands[0]!, name: 'stats', options: [] };
    const m = slackManifest([...commands, extra]) as unknown as Manifest;
    expect(m.features.slash_commands[0]!.usage_hint).toContain('|stats');
    const withExplain = slackManifest([
      ...commands.filter((c) => c.name !== 'explain'),
      {
        ...commands[0]!,
        name: 'explain',
        options: [
          { kind: 'string', name: 'topic', required: true, rest: true, description: { en: 'q', zh: 'q' } },
          { kind: 'choice', name: 'detail', choices: [{ value: 'short', label: { en: 's', zh: 's' } }, { value: 'long', label: { en: 'l', zh: 'l' } }], description: { en: 'd', zh: 'd' } },
        ],
      },
    ]) as unknown as Manifest;
    expect(withExplain.features.slash_commands.map((s) => [s.command, s.usage_hint])).toEqual([
      ['/emergence', expect.not.stringContaining('explain')],
      ['/explain', '<topic> [detail:short|long]'],
    ]);
  });

  it('has an HTTP-mode variant with request URLs and no Socket Mode', () => {
    const m = slackManifest(commands, { httpBase: 'https://bot.example.org/' }) as unknown as Manifest;
    expect(m.features.slash_commands.every((s) => s.url === 'https://bot.example.org/slack/events')).toBe(true);
    expect(m.settings.event_subscriptions.request_url).toBe('https://bot.example.org/slack/events');
    expect(m.settings.interactivity.request_url).toBe('https://bot.example.org/slack/events');
    expect(m.settings.socket_mode_enabled).toBe(false);
  });
});
