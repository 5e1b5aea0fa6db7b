/**
 * Platform-neutral command definitions. One file per command in `commands/`
 * exports `defineCommand({...})`; Discord registration, the Slack manifest and the
 * terminal/Slack text parser are all generated from these definitions.
 */
import type { Locale, Reply } from '../reply.ts';
import type { GuessOutcome, Services } from './services.ts';

export interface I18nText {
  en: string;
  zh: string;
}

interface OptionBase {
  name: string;
  description: I18nText;
  required?: boolean;
  /** Only hosts may set this option. */
  hostOnly?: boolean;
  /**
   * In a command with a `subcommand` choice: the subcommands that take this option on Discord
   * (default: all of them; `[]`: text form only). The text form accepts every option anywhere.
   */
  subcommands?: string[];
}

export interface StringOption extends OptionBase {
  kind: 'string';
  maxLength?: number;
  autocomplete?: boolean;
  /** In text form, takes the rest of the line (`/guess mona lisa`). */
  rest?: boolean;
}

export interface IntegerOption extends OptionBase {
  kind: 'integer';
  min?: number;
  max?: number;
}

export interface ChoiceOption extends OptionBase {
  kind: 'choice';
  /** `description`: a subcommand's, on Discord (else the label). `textOnly`: accepted in the text form and by buttons, but not registered on Discord (e.g. `/daily next`). */
  choices: { value: string; label: I18nText; textOnly?: boolean; description?: I18nText }[];
  /**
   * This option picks a subcommand: Discord registers each choice as a subcommand (a command with
   * subcommands cannot run bare there), while the text form keeps it an ordinary first option, so
   * `/daily` alone (value unset) is still valid on Slack and in the terminal. At most one per command, first.
   */
  subcommand?: boolean;
}

/** A file the user attached (Discord's ATTACHMENT option, a Slack modal's file_input). Never typed as text. */
export interface AttachmentOption extends OptionBase {
  kind: 'attachment';
}

export type OptionSpec = StringOption | IntegerOption | ChoiceOption | AttachmentOption;

/**
 * An attached file as the platform describes it, before anything is downloaded. The declared
 * size, type and dimensions are only claims: src/decks/ checks them, then checks the bytes.
 */
export interface AttachmentRef {
  url: string;
  name: string;
  size?: number;
  contentType?: string;
  width?: number;
  height?: number;
  /** Slack's files need the bot token; the adapter says so, the downloader adds it. */
  auth?: 'slack';
}

export type RawValue = string | number | AttachmentRef | undefined;
export type OptionValues = Record<string, RawValue>;

export type Platform = 'discord' | 'slack' | 'terminal';

/** Who is calling, from where. Ids are namespaced by platform (`discord:123`). */
export interface Caller {
  platform: Platform;
  userId: string;
  userName: string;
  locale: Locale;
  /** False when `locale` is only a default (the terminal's), not the user's own setting. */
  localeKnown?: boolean;
  /** The adapter decided: Manage Server / host role (Discord), admin or listed (Slack), always (terminal). */
  isHost: boolean;
  channelId: string;
  /** Server (Discord guild) or workspace (Slack team), namespaced. */
  scopeId: string;
}

export interface CommandContext {
  caller: Caller;
  services: Services;
  /** Tells the adapter what happened (a guess's verdict, a win), beside the replies. */
  report?(outcome: CommandOutcome): void;
}

/**
 * What a command did, for adapters to act on without reading reply text or the database:
 * a guess's outcome (verdict, win, whether the round ended), or a chat message that was not taken as a guess.
 */
export type CommandOutcome = { kind: 'guess'; guess: GuessOutcome } | { kind: 'ignored'; reason: 'not-an-answer' | 'rate-limited' };

export interface CommandDef {
  name: string;
  description: I18nText;
  options: OptionSpec[];
  /** Host-only command (skip, stop …): registered with Manage Server on Discord and checked again at run time. */
  host?: boolean;
  run(ctx: CommandContext, opts: OptionValues): Promise<Reply | Reply[]>;
  autocomplete?(ctx: CommandContext, option: string, partial: string): Promise<{ value: string; label: string }[]>;
}

const NAME = /^[a-z][a-z0-9-]{0,31}$/;

export function defineCommand<T extends CommandDef>(def: T): T {
  if (!NAME.test(def.name)) throw new Error(`command name "${def.name}" must be lowercase, 1-32 chars`);
  for (const o of def.options) {
    if (!NAME.test(o.name)) throw new Error(`command ${def.name}: option name "${o.name}" must be lowercase`);
    if (o.kind === 'choice' && o.choices.length === 0) throw new Error(`command ${def.name}: option ${o.name} has no choices`);
  }
  const subs = def.options.filter((o) => o.kind === 'choice' && o.subcommand);
  if (subs.length > 1 || (subs.length === 1 && def.options[0] !== subs[0])) {
    throw new Error(`command ${def.name}: a subcommand option must be the first and only one`);
  }
  const rest = def.options.filter((o) => o.kind === 'string' && o.rest);
  if (rest.length > 1) throw new Error(`command ${def.name}: only one option may take the rest of the line`);
  return def;
}
