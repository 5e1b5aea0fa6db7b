/**
 * The terminal adapter: the default when no chat tokens are set. You are player
 * "you" in one local channel. Lines starting with `/` are commands; anything else
 * is a guess. When stdin is not a terminal, lines are read one by one and output
 * is plain text, so a whole game can be scripted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Caller } from '../../core/commands/define.ts';
import { plainText, sanitizeUserText, type Locale, type Reply, type ReplyImage } from '../../core/reply.ts';
import type { App } from '../../app.ts';
import type { RoundSink, RoundUpdate } from '../../runtime/sink.ts';
import { t } from '../../views/i18n.ts';
import { ansiPicture } from './ansi.ts';
import { buttonCommandLine } from './buttons.ts';

export interface TerminalOptions {
  app: App;
  input: Readable;
  output: Writable;
  /** True colour pictures and a prompt; false prints plain text for scripts. */
  interactive: boolean;
  outDir: string;
  locale?: Locale;
  /** True when the locale came from the user's settings (LANG), not a default. */
  localeKnown?: boolean;
}

export const TERMINAL_CHANNEL = 'terminal:local';

export class TerminalAdapter implements RoundSink {
  private readonly caller: Caller;

  constructor(private readonly o: TerminalOptions) {
    this.caller = {
      platform: 'terminal',
      userId: 'terminal:you',
      userName: 'you',
      locale: o.locale ?? 'en',
      localeKnown: o.localeKnown ?? false,
      isHost: true,
      channelId: TERMINAL_CHANNEL,
      scopeId: 'terminal:local',
    };
    o.app.sinks.register('terminal', this);
  }

  /** Reads lines until the input ends, then waits for a running round to finish. */
  async run(): Promise<void> {
    const rl = createInterface({ input: this.o.input, terminal: false });
    if (this.o.interactive) {
      this.write(`${t(this.caller, 'terminal.welcome')}\n`);
    }
    for await (const line of rl) {
      const text = line.trim();
      if (!text) continue;
      if (text === '/quit' || text === '/exit') break;
      await this.handle(text);
    }
    rl.close();
    await this.waitForRound();
  }

  async handle(text: string): Promise<void> {
    const replies = await this.o.app.dispatcher.runText(this.caller, text, { plainIsGuess: true });
    for (const r of replies) await this.print(r);
  }

  async publish(_channelId: string, update: RoundUpdate): Promise<void> {
    // A terminal has no message to edit: the recap was printed already.
    if (update.kind === 'closed') return;
    await this.print(update.reply, update.kind === 'step' || update.kind === 'final');
  }

  private async waitForRound(): Promise<void> {
    const game = this.o.app.game;
    // An event's breaks have no round running, so the terminal waits for the event too.
    const busy = async () => (await game.roundInChannel(TERMINAL_CHANNEL)) !== null || this.o.app.events.isActive(TERMINAL_CHANNEL);
    while (await busy()) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  private async print(reply: Reply, picture = false): Promise<void> {
    const out: string[] = [];
    if (reply.title) out.push(this.o.interactive ? `\x1b[1m${plainText(reply.title)}\x1b[0m` : `== ${plainText(reply.title)} ==`);
    for (const img of reply.images ?? []) {
      if (picture && this.o.interactive) out.push(await ansiPicture(img.data));
      out.push(await this.save(img));
    }
    if (reply.text) out.push(plainText(reply.text));
    for (const f of reply.fields ?? []) out.push(`${plainText(f.name)}:\n${plainText(f.value)}`);
    // There is nothing to press here: each button becomes the command that does the same.
    for (const b of reply.buttons ?? []) {
      const line = buttonCommandLine(b.id, (name) => this.o.app.dispatcher.command(name));
      if (line) out.push(`  ${plainText(b.label)}: ${line}`);
    }
    if (reply.footer) out.push(plainText(reply.footer));
    this.write(out.join('\n') + '\n\n');
  }

  /**
   * Saves a picture to the out folder. A folder that cannot be written (a path under a file,
   * no permission, a full disk) costs the picture, not the game: the line says so instead.
   */
  private async save(img: ReplyImage): Promise<string> {
    const path = join(this.o.outDir, img.name);
    const shown = sanitizeUserText(path, 300);
    try {
      await mkdir(this.o.outDir, { recursive: true });
      await writeFile(path, img.data);
      return t(this.caller.locale, 'terminal.picture-saved', { path: shown });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return t(this.caller.locale, 'terminal.picture-not-saved', { path: shown, reason: sanitizeUserText(e.code ?? e.message, 80) });
    }
  }

  private write(s: string): void {
    this.o.output.write(s);
  }
}
