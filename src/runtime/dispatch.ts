/**
 * The one door every adapter uses to run a command, and the one error boundary:
 * expected failures (UserError) become a short localised reply; anything else is
 * logged with an incident id and the user hears something short and kind.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Caller, CommandDef, CommandOutcome, OptionValues, Platform, RawValue } from '../core/commands/define.ts';
import { coerceOptions, parseArgs, splitCommand } from '../core/commands/parse.ts';
import type { Services } from '../core/commands/services.ts';
import { UserError, isUserError } from '../core/errors.ts';
import { isPlausibleChatGuess } from '../core/game/chat-guess.ts';
import { userText, type Reply } from '../core/reply.ts';
import { t } from '../views/i18n.ts';
import type { Clock } from './clock.ts';

export interface DispatcherOptions {
  commands: CommandDef[];
  services: Services;
  log: Logger;
  clock: Clock;
  /** Spam guard: at most `burst` commands per user within `windowMs` (in this process, when no limiter is given). */
  rate?: { burst: number; windowMs: number };
  /** A shared spam guard (the database's, so it holds across instances). */
  limiter?: RateLimiter;
  /**
   * Where plain chat is read as guesses during a race (Discord with DISCORD_MESSAGE_GUESSES, Slack): the
   * first race round started in a channel there also says, once per channel, what is kept from its chat.
   * `claim` is true for the one call that should say it (the database's, so it holds across instances).
   */
  chatNotice?: { platforms: readonly Platform[]; claim(channelId: string, now: number): Promise<boolean> };
}

/** Counts one input of `key` at `now`; false when over the limit. */
export interface RateLimiter {
  take(key: string, now: number): Promise<boolean>;
}

/** What an adapter gives the dispatcher: a slash command's raw options, a line of text, a button id, or a chat message. */
export type DispatchInput =
  | { kind: 'command'; name: string; raw: Record<string, RawValue> }
  | { kind: 'text'; text: string; plainIsGuess?: boolean }
  | { kind: 'button'; id: string }
  /** A plain chat message in a race channel: a guess if it could be an answer, else ignored (not stored, no reply). */
  | { kind: 'chat-guess'; text: string };

/** The replies to send, and what happened (a guess's verdict and whether it won), for the adapter to act on. */
export interface Dispatched {
  replies: Reply[];
  outcome: CommandOutcome | null;
}

export class Dispatcher {
  private readonly byName = new Map<string, CommandDef>();
  private readonly recent = new Map<string, number[]>();

  constructor(private readonly o: DispatcherOptions) {
    for (const c of o.commands) this.byName.set(c.name, c);
  }

  get commands(): CommandDef[] {
    return [...this.byName.values()];
  }

  command(name: string): CommandDef | undefined {
    return this.byName.get(name);
  }

  /** Runs one input from an adapter: the replies and the structured outcome. */
  async dispatch(caller: Caller, input: DispatchInput): Promise<Dispatched> {
    let outcome: CommandOutcome | null = null;
    const report = (o: CommandOutcome) => {
      outcome = o;
    };
    if (input.kind === 'chat-guess') {
      // Chat that cannot be an answer is conversation: neither judged, stored nor answered.
      if (!isPlausibleChatGuess(input.text)) return { replies: [], outcome: { kind: 'ignored', reason: 'not-an-answer' } };
      if (!(await this.allow(caller))) return { replies: [], outcome: { kind: 'ignored', reason: 'rate-limited' } };
    }
    const replies = await this.guard(caller, input.kind !== 'chat-guess', async () => {
      switch (input.kind) {
        case 'command': {
          const def = this.require(input.name);
          return this.exec(def, caller, coerceOptions(def, input.raw), report);
        }
        case 'chat-guess': {
          const def = this.require('guess');
          return this.exec(def, caller, coerceOptions(def, { answer: input.text }), report);
        }
        case 'text':
          return this.runLine(caller, input.text, Boolean(input.plainIsGuess), report);
        case 'button':
          return this.runButtonId(caller, input.id, report);
      }
    });
    return { replies, outcome };
  }

  /** Runs a command with raw option values (from a slash command payload). */
  async run(caller: Caller, name: string, raw: Record<string, RawValue>): Promise<Reply[]> {
    return (await this.dispatch(caller, { kind: 'command', name, raw })).replies;
  }

  /**
   * Runs a line of text: `/play deck:masterpieces`, or a plain guess when a round
   * may be running (`plainIsGuess`).
   */
  async runText(caller: Caller, text: string, opts: { plainIsGuess?: boolean } = {}): Promise<Reply[]> {
    return (await this.dispatch(caller, { kind: 'text', text, plainIsGuess: opts.plainIsGuess })).replies;
  }

  /**
   * Runs a button press. The button id names a command and its options:
   *   `<command>:<value>`                 runs the command with its first option set to value;
   *   `<command>:<opt>=<v>&<opt2>=<v2>`   sets options by name (URL query form, values percent-encoded).
   * `explain:topic=emergence&more=1` and `leaderboard:global` are examples. Adapters
   * handle `guess:<roundId>` themselves (it opens a text box), and send every other id here.
   */
  async runButton(caller: Caller, id: string): Promise<Reply[]> {
    return (await this.dispatch(caller, { kind: 'button', id })).replies;
  }

  private require(name: string): CommandDef {
    const def = this.byName.get(name);
    if (!def) throw new UserError('unknown-command', { command: name.slice(0, 32) });
    return def;
  }

  private async runLine(caller: Caller, text: string, plainIsGuess: boolean, report: (o: CommandOutcome) => void): Promise<Reply[]> {
    const parsed = splitCommand(text);
    if (!parsed) {
      if (!plainIsGuess) throw new UserError('unknown-command', { command: '' });
      const def = this.require('guess');
      return this.exec(def, caller, coerceOptions(def, { answer: text }), report);
    }
    const def = this.require(parsed.name);
    return this.exec(def, caller, coerceOptions(def, parseArgs(def, parsed.args)), report);
  }

  private async runButtonId(caller: Caller, id: string, report: (o: CommandOutcome) => void): Promise<Reply[]> {
    const colon = id.indexOf(':');
    const name = colon < 0 ? id : id.slice(0, colon);
    const payload = colon < 0 ? '' : id.slice(colon + 1);
    const def = this.require(name);
    const raw: Record<string, string> = {};
    if (payload.includes('=')) {
      for (const [k, v] of new URLSearchParams(payload)) raw[k] = v;
      const unknown = Object.keys(raw).find((k) => !def.options.some((o) => o.name === k));
      if (unknown) throw new UserError('unknown-option', { option: unknown.slice(0, 32), command: def.name });
    } else if (payload && def.options[0]) {
      raw[def.options[0].name] = payload;
    }
    return this.exec(def, caller, coerceOptions(def, raw), report);
  }

  async autocomplete(caller: Caller, name: string, option: string, partial: string) {
    const def = this.byName.get(name);
    if (!def?.autocomplete) return [];
    try {
      return (await def.autocomplete({ caller, services: this.o.services }, option, partial)).slice(0, 25);
    } catch (err) {
      this.o.log.warn({ err, command: name }, 'autocomplete failed');
      return [];
    }
  }

  private async exec(
    def: CommandDef,
    caller: Caller,
    opts: OptionValues,
    report: (o: CommandOutcome) => void,
  ): Promise<Reply[]> {
    if (def.host && !caller.isHost) throw new UserError('not-host');
    for (const o of def.options) {
      if (o.hostOnly && opts[o.name] !== undefined && !caller.isHost) throw new UserError('host-option', { option: o.name });
    }
    const out = await def.run({ caller, services: this.o.services, report }, opts);
    const replies = Array.isArray(out) ? out : [out];
    if (def.name === 'play' && opts.mode !== 'experiment') {
      const notice = await this.chatNotice(caller);
      if (notice) replies.push(notice);
    }
    return replies;
  }

  /** The chat notice, if this channel reads chat and has not heard it yet (see DispatcherOptions.chatNotice). */
  private async chatNotice(caller: Caller): Promise<Reply | null> {
    const o = this.o.chatNotice;
    if (!o?.platforms.includes(caller.platform)) return null;
    try {
      if (!(await o.claim(caller.channelId, this.o.clock.now()))) return null;
    } catch (err) {
      // The round has started; the notice can wait for the next one.
      this.o.log.warn({ err, channel: caller.channelId }, 'could not record the chat notice');
      return null;
    }
    return { text: t(caller, 'notice.chat-guesses') };
  }

  private async guard(caller: Caller, rateLimited: boolean, fn: () => Promise<Reply[]>): Promise<Reply[]> {
    try {
      if (rateLimited && !(await this.allow(caller))) throw new UserError('rate-limited');
      return await fn();
    } catch (err) {
      if (isUserError(err)) {
        // Parameters often repeat what the user typed (a deck name, an option): mark them as user text.
        const params = Object.fromEntries(
          Object.entries(err.params).map(([k, v]) => [k, typeof v === 'string' ? userText(v, 80) : v]),
        );
        return [{ text: t(caller, `errors.${err.code}`, params), ephemeral: true }];
      }
      const incident = randomUUID().slice(0, 8);
      this.o.log.error({ err, incident, user: caller.userId, channel: caller.channelId }, 'command failed');
      return [{ text: t(caller.locale, 'errors.internal', { incident }), ephemeral: true }];
    }
  }

  /**
   * The spam guard: at most `burst` inputs per user within `windowMs`. The terminal's one local user
   * is the operator at their own keyboard (or a script), so it is not limited.
   */
  private async allow(caller: Caller): Promise<boolean> {
    if (caller.platform === 'terminal') return true;
    if (this.o.limiter) return this.o.limiter.take(caller.userId, this.o.clock.now());
    const rate = this.o.rate ?? { burst: 8, windowMs: 10_000 };
    const now = this.o.clock.now();
    const times = (this.recent.get(caller.userId) ?? []).filter((x) => now - x < rate.windowMs);
    if (times.length >= rate.burst) {
      this.recent.set(caller.userId, times);
      return false;
    }
    times.push(now);
    this.recent.set(caller.userId, times);
    if (this.recent.size > 10_000) this.recent.clear();
    return true;
  }
}
