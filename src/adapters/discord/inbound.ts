/**
 * Discord events → the neutral inbound model: a `Caller`, a command name and raw
 * option values. No game logic here; the Dispatcher does the rest.
 */
import {
  ApplicationCommandOptionType,
  GuildMember,
  PermissionFlagsBits,
  PermissionsBitField,
  type BaseInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Message,
} from 'discord.js';
import type { Caller, RawValue } from '../../core/commands/define.ts';
import type { Locale } from '../../core/reply.ts';
import { localeFromTag } from '../../views/i18n.ts';

/** Button ids: `guess:<roundId>` opens the guess modal, whose id is `guess-modal:<roundId>`. */
export const GUESS_BUTTON = 'guess:';
export const GUESS_MODAL = 'guess-modal:';
export const GUESS_FIELD = 'answer';

export const channelKey = (channelId: string) => `discord:${channelId}`;
export const userKey = (userId: string) => `discord:${userId}`;
export const guildKey = (guildId: string) => `discord:${guildId}`;

/** A member as discord.js gives it: a cached GuildMember, or the raw API member when the guild is not cached. */
type AnyMember = GuildMember | { roles: string[]; nick?: string | null; permissions?: string } | null | undefined;

function roleIds(member: AnyMember): string[] {
  if (!member) return [];
  if (member instanceof GuildMember) return [...member.roles.cache.keys()];
  return Array.isArray(member.roles) ? member.roles : [];
}

function roleNames(member: AnyMember): string[] {
  return member instanceof GuildMember ? member.roles.cache.map((r) => r.name) : [];
}

/**
 * A host has Manage Server, or the configured host role (by id, or by name when
 * the guild's roles are cached). The Dispatcher checks `def.host` again at run time.
 */
export function isHost(permissions: Readonly<PermissionsBitField> | null | undefined, member: AnyMember, hostRole?: string): boolean {
  if (permissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  if (!hostRole) return false;
  const role = hostRole.trim();
  return roleIds(member).includes(role) || roleNames(member).some((n) => n === role);
}

function displayName(member: AnyMember, user: { username: string; globalName?: string | null }): string {
  if (member instanceof GuildMember) return member.displayName;
  return member?.nick || user.globalName || user.username;
}

/** The caller of a guild interaction. Callers outside a guild are refused before this. */
export function callerFromInteraction(i: BaseInteraction, hostRole?: string): Caller {
  const member = i.member as AnyMember;
  return {
    platform: 'discord',
    userId: userKey(i.user.id),
    userName: displayName(member, i.user),
    locale: localeFromTag(i.locale),
    isHost: isHost(i.memberPermissions, member, hostRole),
    channelId: channelKey(i.channelId ?? 'unknown'),
    scopeId: guildKey(i.guildId ?? 'dm'),
  };
}

/** The caller of a plain message guess; messages carry no locale, so the round's is used. */
export function callerFromMessage(m: Message<true>, locale: Locale, hostRole?: string): Caller {
  const member = m.member;
  return {
    platform: 'discord',
    userId: userKey(m.author.id),
    userName: member?.displayName ?? m.author.globalName ?? m.author.username,
    locale,
    isHost: isHost(member?.permissions, member, hostRole),
    channelId: channelKey(m.channelId),
    scopeId: guildKey(m.guildId),
  };
}

/**
 * Slash command options → raw values by name (subcommands are flattened). `subcommandOption` names the
 * command's option that a subcommand stands for (see ChoiceOption.subcommand): it gets the subcommand's name.
 */
export function optionsOf(i: ChatInputCommandInteraction, subcommandOption?: string): Record<string, RawValue> {
  const out: Record<string, RawValue> = {};
  const walk = (opts: readonly CommandInteractionOption[]) => {
    for (const o of opts) {
      if (o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup) {
        if (subcommandOption && o.type === ApplicationCommandOptionType.Subcommand) out[subcommandOption] = o.name;
        walk(o.options ?? []);
      } else if (o.type === ApplicationCommandOptionType.Attachment && o.attachment) {
        // What Discord declares (resolved.attachments); src/decks/ checks it and then the bytes themselves.
        const a = o.attachment;
        out[o.name] = {
          url: a.url,
          name: a.name,
          size: a.size,
          contentType: a.contentType ?? undefined,
          width: a.width ?? undefined,
          height: a.height ?? undefined,
        };
      } else if (typeof o.value === 'string' || typeof o.value === 'number') {
        out[o.name] = o.value;
      } else if (typeof o.value === 'boolean') {
        out[o.name] = String(o.value);
      }
    }
  };
  walk(i.options.data);
  return out;
}

/** What the bot needs in a channel to run a round there (post, embed, attach, and see it). */
export const ROUND_PERMISSIONS = ['ViewChannel', 'SendMessages', 'EmbedLinks', 'AttachFiles'] as const;
export type RoundPermission = (typeof ROUND_PERMISSIONS)[number] | 'SendMessagesInThreads';

/** The permissions the bot lacks in the interaction's channel to post a round there (from `app_permissions`). */
export function missingRoundPermissions(i: BaseInteraction): RoundPermission[] {
  const have = i.appPermissions;
  if (!have) return [];
  const inThread = i.channel?.isThread() ?? false;
  const needed: RoundPermission[] = inThread
    ? ['ViewChannel', 'SendMessagesInThreads', 'EmbedLinks', 'AttachFiles']
    : [...ROUND_PERMISSIONS];
  return needed.filter((p) => !have.has(PermissionFlagsBits[p]));
}
