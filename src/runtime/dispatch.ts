/**
 * The one door every adapter uses to run a command, and the one error boundary:
 * expected failures (UserError) become a short localised reply; anything else is
 * logged with an incident id and the user hears something short and kind.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Caller, CommandDef, OptionValues } from '../core/commands/define.ts';
import { coerceOptions, parseArgs, splitCommand } from '../core/commands/parse.ts';
import type { Services } from '../core/commands/services.ts';
import { UserError, isUserError } from '../core/errors.ts';
import { userText, type Reply } from '../core/reply.ts';
import { t } from '../views/i18n.ts';
import type { Clock } from './clock.ts';

export interface DispatcherOptions {
  commands: CommandDef[];
  services: Services;
  log: Logger;
  clock: Clock;
  /** Spam guard: at most `burst` commands per user within `windowMs`. */
  rate?: { burst: number; windowMs: number };
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

  /** Runs a command with raw option values (from a slash command payload). */
  async run(caller: Caller, name: string, raw: Record<string, string | number | undefined>): Promise<Reply[]> {
    return this.guard(caller, async () => {
      const def = this.byName.get(name);
      if (!def) throw new UserError('unknown-command', { command: name.slice(0, 32) });
      return this.exec(def, caller, coerceOptions(def, raw));
    });
  }

  /**
   * Runs a line of text: `/play deck:masterpieces`, or a plain guess when a round
   * may be running (`plainIsGuess`).
   */
  async runText(caller: Caller, text: string, opts: { plainIsGuess?: boolean } = {}): Promise<Reply[]> {
    return this.guard(caller, async () => {
      const parsed = splitCommand(text);
      if (!parsed) {
        if (!opts.plainIsGuess) throw new UserError('unknown-command', { command: '' });
        const def = this.byName.get('guess');
        if (!def) throw new UserError('unknown-command', { command: 'guess' });
        return this.exec(def, caller, coerceOptions(def, { answer: text }));
      }
      const def = this.byName.get(parsed.name);
      if (!def) throw new UserError('unknown-command', { command: parsed.name.slice(0, 32) });
      return this.exec(def, caller, coerceOptions(def, parseArgs(def, parsed.args)));
    });
  }

  /**
   * Runs a button press. The button id names a command and its options:
   *   `<command>:<value>`                 runs the command with its first option set to value;
   *   `<command>:<opt>=<v>&<opt2>=<v2>`   sets options by name (URL query form, values percent-encoded).
   * `explain:topic=emergence&more=1` and `leaderboard:global` are examples. Adapters
   * handle `guess:<roundId>` themselves (it opens a text box), and send every other id here.
   */
  async runButton(caller: Caller, id: string): Promise<Reply[]> {
    return this.guard(caller, async () => {
      const colon = id.indexOf(':');
      const name = colon < 0 ? id : id.slice(0, colon);
      const payload = colon < 0 ? '' : id.slice(colon + 1);
      const def = this.byName.get(name);
      if (!def) throw new UserError('unknown-command', { command: name.slice(0, 32) });
      const raw: Record<string, string> = {};
      if (payload.includes('=')) {
        for (const [k, v] of new URLSearchParams(payload)) raw[k] = v;
        const unknown = Object.keys(raw).find((k) => !def.options.some((o) => o.name === k));
        if (unknown) throw new UserError('unknown-option', { option: unknown.slice(0, 32), command: def.name });
      } else if (payload && def.options[0]) {
        raw[def.options[0].name] = payload;
      }
      return this.exec(def, caller, coerceOptions(def, raw));
    });
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

  private async exec(def: CommandDef, caller: Caller, opts: OptionValues): Promise<Reply[]> {
    if (def.host && !caller.isHost) throw new UserError('not-host');
    for (const o of def.options) {
      if (o.hostOnly && opts[o.name] !== undefined && !caller.isHost) throw new UserError('host-option', { option: o.name });
    }
    const out = await def.run({ caller, services: this.o.services }, opts);
    return Array.isArray(out) ? out : [out];
  }

  private async guard(caller: Caller, fn: () => Promise<Reply[]>): Promise<Reply[]> {
    try {
      this.checkRate(caller);
      return await fn();
    } catch (err) {
      if (isUserError(err)) {
        // Parameters often repeat what the user typed (a deck name, an option): mark them as user text.
        const params = Object.fromEntries(
          Object.entries(err.params).map(([k, v]) => [k, typeof v === 'string' ? userText(v, 80) : v]),
        );
        return [{ text: t(caller.locale, `errors.${err.code}`, params), ephemeral: true }];
      }
      const incident = randomUUID().slice(0, 8);
      this.o.log.error({ err, incident, user: caller.userId, channel: caller.channelId }, 'command failed');
      return [{ text: t(caller.locale, 'errors.internal', { incident }), ephemeral: true }];
    }
  }

  private checkRate(caller: Caller): void {
    const rate = this.o.rate ?? { burst: 8, windowMs: 10_000 };
    const now = this.o.clock.now();
    const times = (this.recent.get(caller.userId) ?? []).filter((x) => now - x < rate.windowMs);
    if (times.length >= rate.burst) {
      this.recent.set(caller.userId, times);
      throw new UserError('rate-limited');
    }
    times.push(now);
    this.recent.set(caller.userId, times);
    if (this.recent.size > 10_000) this.recent.clear();
  }
}
