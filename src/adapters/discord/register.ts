/**
 * `commands/` → Discord application command JSON, generically: every command in the
 * list is registered, so a new command appears with the next `npm run deploy:discord`.
 *
 *   - descriptions (of commands and options) and choice labels are localised for en-US,
 *     zh-CN and zh-TW (zh-TW converted from the Chinese text with opencc-js);
 *   - command and option NAMES stay the canonical English ones in every locale: every
 *     help text, error and the text form (`/guess <answer>`) refers to them, and Discord
 *     matches typed commands on the localised name only;
 *   - host commands get `default_member_permissions` = Manage Server (the bot checks again
 *     at run time, and a host role can be allowed per command in the server's settings);
 *   - the commands work in servers only (`contexts: [Guild]`).
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import * as OpenCC from 'opencc-js/cn2t';
import type { CommandDef, I18nText, OptionSpec } from '../../core/commands/define.ts';
import { truncate } from '../../core/text/truncate.ts';

export type CommandJSON = RESTPostAPIChatInputApplicationCommandsJSONBody;
type OptionJSON = NonNullable<CommandJSON['options']>[number];
type Localizations = Partial<Record<'en-US' | 'zh-CN' | 'zh-TW', string>>;

const toTaiwan = OpenCC.Converter({ from: 'cn', to: 'twp' });

/** Discord's length limit for descriptions and choice names. */
const MAX_TEXT = 100;

function cut(s: string, max = MAX_TEXT): string {
  return truncate(s, max);
}

export function localizations(text: I18nText): Localizations {
  const zh = text.zh || text.en;
  return { 'en-US': cut(text.en), 'zh-CN': cut(zh), 'zh-TW': cut(toTaiwan(zh)) };
}

/** Manage Server, as Discord's permission bit string. */
export const HOST_PERMISSIONS = PermissionFlagsBits.ManageGuild.toString();

function optionJSON(o: OptionSpec): OptionJSON {
  const base = {
    name: o.name,
    description: cut(o.description.en),
    description_localizations: localizations(o.description),
    required: Boolean(o.required),
  };
  switch (o.kind) {
    case 'integer':
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        ...(o.min !== undefined ? { min_value: o.min } : {}),
        ...(o.max !== undefined ? { max_value: o.max } : {}),
      };
    case 'choice':
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: o.choices.slice(0, 25).map((c) => ({
          name: cut(c.label.en),
          name_localizations: localizations(c.label),
          value: c.value,
        })),
      };
    case 'attachment':
      return { ...base, type: ApplicationCommandOptionType.Attachment };
    case 'string':
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        ...(o.maxLength !== undefined ? { max_length: Math.min(o.maxLength, 6000) } : {}),
        ...(o.autocomplete ? { autocomplete: true } : {}),
      };
  }
}

/** Discord wants required options first; keep the declared order otherwise. */
function ordered(options: OptionSpec[]): OptionSpec[] {
  return [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
}

/** A command with a `subcommand` choice: one Discord subcommand per choice, each with the options it takes. */
function subcommandsJSON(def: CommandDef): OptionJSON[] | null {
  const [first, ...rest] = def.options;
  if (first?.kind !== 'choice' || !first.subcommand) return null;
  return first.choices
    .filter((c) => !c.textOnly)
    .map((c) => ({
      type: ApplicationCommandOptionType.Subcommand,
      name: c.value,
      description: cut((c.description ?? c.label).en),
      description_localizations: localizations(c.description ?? c.label),
      options: ordered(rest.filter((o) => !o.subcommands || o.subcommands.includes(c.value))).map(optionJSON) as never,
    }));
}

export function commandJSON(def: CommandDef): CommandJSON {
  const subcommands = subcommandsJSON(def);
  const options = ordered(def.options);
  return {
    type: ApplicationCommandType.ChatInput,
    name: def.name,
    description: cut(def.description.en),
    description_localizations: localizations(def.description),
    options: subcommands ?? options.map(optionJSON),
    default_member_permissions: def.host ? HOST_PERMISSIONS : null,
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    nsfw: false,
  };
}

export function buildCommands(defs: CommandDef[]): CommandJSON[] {
  const names = new Set<string>();
  for (const d of defs) {
    if (names.has(d.name)) throw new Error(`duplicate command name ${d.name}`);
    names.add(d.name);
  }
  return defs.map(commandJSON);
}

/** The fields that matter, in a fixed shape, so Discord's extra fields and defaults compare equal. */
function canonical(c: Partial<CommandJSON> & Record<string, unknown>): unknown {
  const opt = (o: Record<string, unknown>): unknown => ({
    type: o.type,
    name: o.name,
    description: o.description,
    description_localizations: o.description_localizations ?? {},
    required: Boolean(o.required),
    choices: ((o.choices as Record<string, unknown>[] | undefined) ?? []).map((ch) => ({
      name: ch.name,
      name_localizations: ch.name_localizations ?? {},
      value: ch.value,
    })),
    min_value: o.min_value ?? null,
    max_value: o.max_value ?? null,
    max_length: o.max_length ?? null,
    autocomplete: Boolean(o.autocomplete),
    // A subcommand's own options.
    options: ((o.options as Record<string, unknown>[] | undefined) ?? []).map(opt),
  });
  return {
    name: c.name,
    description: c.description,
    description_localizations: c.description_localizations ?? {},
    options: ((c.options as Record<string, unknown>[] | undefined) ?? []).map(opt),
    default_member_permissions: c.default_member_permissions ?? null,
    contexts: c.contexts ?? null,
  };
}

export interface CommandDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

/** What a bulk overwrite with `desired` changes, compared with what is registered now. */
export function diffCommands(existing: Record<string, unknown>[], desired: CommandJSON[]): CommandDiff {
  const before = new Map(existing.map((c) => [String(c.name), c]));
  const out: CommandDiff = { added: [], changed: [], removed: [], unchanged: [] };
  for (const d of desired) {
    const e = before.get(d.name);
    if (!e) out.added.push(d.name);
    else if (JSON.stringify(canonical(e)) !== JSON.stringify(canonical(d as CommandJSON & Record<string, unknown>))) {
      out.changed.push(d.name);
    } else out.unchanged.push(d.name);
    before.delete(d.name);
  }
  out.removed.push(...before.keys());
  return out;
}
