/**
 * Slack payloads → what the Dispatcher understands: a `Caller`, a command line in the
 * shared text form, raw option values. Nothing here renders or decides game rules.
 */
import type { Caller, CommandDef } from '../../core/commands/define.ts';
import type { Locale } from '../../core/reply.ts';
import { SLACK_OWN_SLASH, SLACK_UMBRELLA, localeFromTag } from '../../views/i18n.ts';

export const PLATFORM = 'slack';
// Defined beside commandText(), which writes commands in replies the way the manifest declares them.
export const UMBRELLA = SLACK_UMBRELLA;
/** Commands that are their own slash command on Slack (when they exist), besides `/emergence <name>`. */
export const OWN_SLASH = SLACK_OWN_SLASH;

export const ns = (id: string): string => `${PLATFORM}:${id}`;
export const raw = (id: string): string => (id.startsWith(`${PLATFORM}:`) ? id.slice(PLATFORM.length + 1) : id);

/**
 * Slack-encoded text (slash command text, message events) → what the user typed:
 * `<@U1|ann>` → `@ann`, `<#C1|general>` → `#general`, `<!here>` → `@here`,
 * `<https://x|label>` → `label`, then `&lt;` `&gt;` `&amp;` unescaped.
 */
export function slackToPlain(text: string): string {
  return text
    .replace(/<([@#!])([^>|]*)(?:\|([^>]*))?>/g, (_m, sigil: string, id: string, label?: string) => {
      if (sigil === '!') return `@${(label ?? id).split('^')[0]}`;
      return `${sigil}${label ?? id}`;
    })
    .replace(/<([^>|]+)(?:\|([^>]*))?>/g, (_m, url: string, label?: string) => label ?? url)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Names usable after `/emergence`: every command except those with their own slash command. */
export function subcommandNames(commands: readonly CommandDef[]): string[] {
  return [...new Set(commands.map((c) => c.name))].filter((n) => !OWN_SLASH.includes(n));
}

/** Slash commands the app declares: `/emergence`, plus `/explain` when that command exists. */
export function ownSlashCommands(commands: readonly CommandDef[]): CommandDef[] {
  const seen = new Set<string>();
  return commands.filter((c) => OWN_SLASH.includes(c.name) && !seen.has(c.name) && seen.add(c.name));
}

export interface SlashLine {
  /** The command name the line runs (for host pre-checks and follow-ups). */
  name: string;
  /** The shared text form, e.g. `/play deck:masterpieces`. */
  line: string;
}

/**
 * `/emergence play deck:masterpieces` → `/play deck:masterpieces`;
 * `/emergence` alone → `/help`; `/explain what is emergence` → `/explain what is emergence`.
 */
export function slashLine(command: string, text: string): SlashLine {
  const plainText = slackToPlain(text ?? '').trim();
  const name = command.replace(/^\//, '').toLowerCase();
  if (name !== UMBRELLA.slice(1)) return { name, line: `/${name}${plainText ? ' ' + plainText : ''}` };
  if (!plainText) return { name: 'help', line: '/help' };
  const m = /^\/?(\S+)\s*([\s\S]*)$/.exec(plainText)!;
  const sub = m[1]!.toLowerCase();
  return { name: sub, line: `/${sub}${m[2] ? ' ' + m[2] : ''}` };
}

/** What we need to know about a Slack user. */
export interface SlackUser {
  name: string;
  locale: Locale;
  isHost: boolean;
}

/** The part of `users.info` we read. */
export interface UsersInfoResult {
  ok?: boolean;
  user?: {
    name?: string;
    real_name?: string;
    locale?: string;
    is_admin?: boolean;
    is_owner?: boolean;
    is_primary_owner?: boolean;
    profile?: { display_name?: string; real_name?: string };
  };
}

export type UsersInfo = (args: { user: string; include_locale: boolean }) => Promise<UsersInfoResult>;

export interface UserDirectoryOptions {
  usersInfo: UsersInfo;
  /** Raw Slack user ids who may host besides admins and owners (`SLACK_HOST_USERS`). */
  hostUsers?: readonly string[];
  ttlMs?: number;
  /** Real time is fine for a cache; injectable for tests. */
  now?: () => number;
  onError?: (err: unknown, userId: string) => void;
}

/**
 * `users.info` with `include_locale`, cached per user for a few minutes: the locale
 * picks Chinese or English, `is_admin`/`is_owner` (or `SLACK_HOST_USERS`) make a host.
 */
export class UserDirectory {
  private readonly cache = new Map<string, { at: number; user: SlackUser }>();
  private readonly inflight = new Map<string, Promise<SlackUser>>();
  private readonly hosts: Set<string>;

  constructor(private readonly o: UserDirectoryOptions) {
    this.hosts = new Set((o.hostUsers ?? []).map((s) => s.trim()).filter(Boolean));
  }

  async get(userId: string, fallbackName?: string): Promise<SlackUser> {
    const now = (this.o.now ?? Date.now)();
    const hit = this.cache.get(userId);
    if (hit && now - hit.at < (this.o.ttlMs ?? 5 * 60_000)) return hit.user;
    let p = this.inflight.get(userId);
    if (!p) {
      p = this.fetch(userId, fallbackName).finally(() => this.inflight.delete(userId));
      this.inflight.set(userId, p);
    }
    return p;
  }

  private async fetch(userId: string, fallbackName?: string): Promise<SlackUser> {
    const listed = this.hosts.has(userId);
    try {
      const res = await this.o.usersInfo({ user: userId, include_locale: true });
      const u = res.user ?? {};
      const user: SlackUser = {
        name: u.profile?.display_name || u.profile?.real_name || u.real_name || u.name || fallbackName || userId,
        locale: localeFromTag(u.locale),
        isHost: listed || Boolean(u.is_admin || u.is_owner || u.is_primary_owner),
      };
      this.cache.set(userId, { at: (this.o.now ?? Date.now)(), user });
      if (this.cache.size > 5000) this.cache.delete(this.cache.keys().next().value!);
      return user;
    } catch (err) {
      // Not cached: the next command asks again. The player still gets to play, in English, as a non-host.
      this.o.onError?.(err, userId);
      return { name: fallbackName || userId, locale: 'en', isHost: listed };
    }
  }
}

export function parseHostUsers(s: string | undefined): string[] {
  return (s ?? '')
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

/** A Caller for a Slack user in a channel of a workspace. */
export function makeCaller(teamId: string, channelId: string, userId: string, user: SlackUser): Caller {
  return {
    platform: PLATFORM,
    userId: ns(userId),
    userName: user.name,
    locale: user.locale,
    isHost: user.isHost,
    channelId: ns(channelId),
    scopeId: ns(teamId),
  };
}

/** The guess typed into the modal, from a `view_submission` payload's state. */
export function modalAnswer(values: Record<string, Record<string, { value?: string | null }>> | undefined): string {
  return values?.[GUESS_BLOCK]?.[GUESS_INPUT]?.value?.trim() ?? '';
}

export const GUESS_CALLBACK = 'emergence_guess';
export const GUESS_BLOCK = 'guess_block';
export const GUESS_INPUT = 'answer';

/** The round's Guess button: `guess:<roundId>` opens the guess modal (other ids run a command, see Dispatcher.runButton). */
export const GUESS_BUTTON = 'guess';

/** Button ids are `<kind>:<value>`: `guess:<roundId>`, or `<command>:<value>` (e.g. a related `/explain` topic). */
export function parseButtonId(id: string): { kind: string; value: string } {
  const i = id.indexOf(':');
  return i < 0 ? { kind: id, value: '' } : { kind: id.slice(0, i), value: id.slice(i + 1) };
}
