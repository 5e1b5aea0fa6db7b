/**
 * The Slack app manifest, generated from the command definitions in `commands/`:
 * `/emergence <play|guess|…>` plus a slash command of its own for `/explain` when that
 * command exists. Only the scopes and events the adapter really uses.
 *
 *   npm run manifest:slack                                  → assets/slack/manifest.json (Socket Mode; committed)
 *   npm run manifest:slack -- --http https://example.org    → prints an HTTP-mode manifest
 *
 * A test checks that assets/slack/manifest.json is current.
 */
import type { CommandDef, OptionSpec } from '../../core/commands/define.ts';
import { UMBRELLA, ownSlashCommands, subcommandNames } from './inbound.ts';

export const MANIFEST_PATH = 'assets/slack/manifest.json';

/**
 * Bot scopes, each for something the adapter does:
 * - `commands`: the slash commands;
 * - `chat:write`: chat.postMessage, chat.update, chat.postEphemeral, chat.scheduleMessage (an event's channel
 *   reminder) and the event reminders in the app's DMs (which the Messages tab of App Home shows, read-only);
 * - `files:write`: files.uploadV2 (the step pictures, the recap strip, cards);
 * - `files:read`: files.info and the download of a file a host gives in the `/deck add` modal;
 * - `users:read`: users.info (names, locale, admin/owner for hosts);
 * - `channels:history`: the `message.channels` event (race guesses typed in the channel);
 * - `channels:read`, `groups:read`: conversations.info, so `/play` in a public or private channel
 *   the bot is not in says how to invite it instead of starting a round nobody can see.
 */
export const BOT_SCOPES = ['channels:history', 'channels:read', 'chat:write', 'commands', 'files:read', 'files:write', 'groups:read', 'users:read'] as const;
export const BOT_EVENTS = ['message.channels'] as const;

export interface ManifestOptions {
  /** HTTP mode: the public base URL; Slack posts to `<base>/slack/events`. Omit for Socket Mode. */
  httpBase?: string;
  name?: string;
}

/** `<topic>` for an option that takes the rest of the line, `[detail:short|long]` for the others. */
function usage(o: OptionSpec): string {
  if (o.kind === 'string' && o.rest) return o.required ? `<${o.name}>` : `[${o.name}]`;
  const v = o.kind === 'choice' ? o.choices.map((c) => c.value).join('|') : o.name;
  return o.required ? `${o.name}:<${v}>` : `[${o.name}:${v}]`;
}

export function slackManifest(commands: readonly CommandDef[], o: ManifestOptions = {}): Record<string, unknown> {
  const name = o.name ?? 'Emergence';
  const url = o.httpBase ? `${o.httpBase.replace(/\/+$/, '')}/slack/events` : undefined;
  const withUrl = <T extends object>(x: T): T => (url ? { ...x, url } : x);
  const subs = subcommandNames(commands);
  const slash = [
    withUrl({
      command: UMBRELLA,
      description: 'Play Emergence: guess the picture as it sharpens from 2×2 to 64×64 pixels',
      usage_hint: `${subs.join('|')} …`.slice(0, 1000),
      should_escape: false,
    }),
    ...ownSlashCommands(commands).map((c) =>
        withUrl({
          command: `/${c.name}`,
          description: c.description.en.slice(0, 100),
          usage_hint: c.options.map(usage).join(' ').slice(0, 1000),
          should_escape: false,
        }),
      ),
  ];
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name,
      description: 'The picture experiment from “AI的‘智能涌现’” as a guessing game',
      long_description:
        'A picture appears at 2×2 pixels, then 4×4, 8×8, 16×16, 32×32 and 64×64. Somewhere along the way it suddenly becomes recognisable: that is emergence. ' +
        'Race your colleagues to name it, or run the experiment with private guesses and see at which step people recognise each picture. ' +
        '一张图片从 2×2 像素开始，逐步变成 64×64：在某一步，它突然就能被认出来了，这就是“涌现”。',
      background_color: '#1d2b3a',
    },
    features: {
      bot_user: { display_name: name, always_online: true },
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
      slash_commands: slash,
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      event_subscriptions: { ...(url ? { request_url: url } : {}), bot_events: [...BOT_EVENTS] },
      interactivity: { is_enabled: true, ...(url ? { request_url: url } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: !url,
      token_rotation_enabled: false,
    },
  };
}

export function manifestJson(commands: readonly CommandDef[], o: ManifestOptions = {}): string {
  return `${JSON.stringify(slackManifest(commands, o), null, 2)}\n`;
}
