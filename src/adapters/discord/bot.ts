/**
 * The thin Discord adapter: interactions and (optionally) messages in, neutral
 * replies out. Every interaction is acknowledged within Discord's 3 seconds:
 * `/play` defers at once (it builds or loads the picture ladder and posts the round
 * message); any other command answers directly when it is quick, and defers when it
 * is not done after `deferAfterMs`.
 */
import {
  ComponentType,
  Events,
  MessageFlags,
  RESTJSONErrorCodes,
  TextInputStyle,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type Message,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';
import type { Logger } from 'pino';
import type { App } from '../../app.ts';
import type { Caller } from '../../core/commands/define.ts';
import type { Locale, Reply } from '../../core/reply.ts';
import { DAILY_GUESS_BUTTON } from '../../views/daily.ts';
import { localeFromTag, t } from '../../views/i18n.ts';
import {
  GUESS_BUTTON,
  GUESS_FIELD,
  GUESS_MODAL,
  callerFromInteraction,
  callerFromMessage,
  channelKey,
  missingRoundPermissions,
  optionsOf,
} from './inbound.ts';
import { truncate } from '../../core/text/truncate.ts';
import { renderEdit, renderReply } from './render.ts';
import { isCode } from './sink.ts';

export interface DiscordBotOptions {
  app: App;
  client: Client;
  log: Logger;
  /** DISCORD_HOST_ROLE: a role id or name whose members are hosts, besides Manage Server. */
  hostRole?: string;
  /** DISCORD_MESSAGE_GUESSES: plain messages in a channel with a running race are guesses. */
  messageGuesses: boolean;
  /** Defer an interaction whose answer is not ready after this long (ms; 0 defers every one). Well under Discord's 3 s. */
  deferAfterMs?: number;
}

/** Commands whose answer is private: deferring them says so up front. */
const PRIVATE_FIRST = new Set(['play', 'guess', 'skip', 'stop', 'privacy', 'daily', 'deck']);
/** The daily's Guess button opens a text box too; its answer runs `/daily guess`. */
const DAILY_MODAL = 'daily-guess-modal';
/** Commands that always defer: they may build a picture ladder and post the round message first. */
const ALWAYS_DEFER = new Set(['play', 'deck']);

export class DiscordBot {
  private readonly deferAfterMs: number;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly o: DiscordBotOptions) {
    this.deferAfterMs = o.deferAfterMs ?? 1500;
  }

  attach(): void {
    this.o.client.on(Events.InteractionCreate, (i) => this.track(this.onInteraction(i)));
    if (this.o.messageGuesses) this.o.client.on(Events.MessageCreate, (m) => this.track(this.onMessage(m)));
  }

  /** Waits for the handlers still running (used on shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((err: unknown) => this.o.log.error({ err }, 'discord handler failed'));
    this.inFlight.add(q);
    void q.finally(() => this.inFlight.delete(q));
  }

  async onInteraction(i: Interaction): Promise<void> {
    if (i.isAutocomplete()) return this.onAutocomplete(i);
    if (!i.isRepliable()) return;
    if (!i.inGuild()) {
      await i.reply(renderReply({ text: t({ locale: localeFromTag(i.locale), platform: 'discord' }, 'discord.guild-only'), ephemeral: true }));
      return;
    }
    const caller = callerFromInteraction(i, this.o.hostRole);
    if (i.isChatInputCommand()) return this.onCommand(i, caller);
    if (i.isButton()) return this.onButton(i, caller);
    if (i.isModalSubmit()) return this.onModal(i, caller);
    await i.reply(renderReply({ text: t(caller.locale, 'discord.stale-button'), ephemeral: true }));
  }

  private async onCommand(i: ChatInputCommandInteraction, caller: Caller): Promise<void> {
    const name = i.commandName;
    if (name === 'play') {
      const missing = missingRoundPermissions(i);
      if (missing.length) {
        const permissions = missing.map((p) => t(caller.locale, `discord.permission.${p}`)).join(', ');
        await i.reply(renderReply({ text: t(caller.locale, 'discord.missing-permissions', { permissions }), ephemeral: true }));
        return;
      }
    }
    const def = this.o.app.dispatcher.command(name);
    const sub = def?.options[0]?.kind === 'choice' && def.options[0].subcommand ? def.options[0].name : undefined;
    const raw = optionsOf(i, sub);
    await this.respond(i, caller, () => this.o.app.dispatcher.run(caller, name, raw), {
      deferNow: ALWAYS_DEFER.has(name),
      private: PRIVATE_FIRST.has(name),
    });
  }

  private async onButton(i: ButtonInteraction, caller: Caller): Promise<void> {
    const id = i.customId;
    if (id.startsWith(GUESS_BUTTON)) {
      const roundId = id.slice(GUESS_BUTTON.length);
      if (!(await this.isRunning(caller.channelId, roundId))) {
        await i.reply(renderReply({ text: t(caller.locale, 'guess.refused.ended'), ephemeral: true }));
        return;
      }
      await i.showModal(guessModal(roundId, caller.locale));
      return;
    }
    if (id === DAILY_GUESS_BUTTON) {
      await i.showModal({ ...guessModal('', caller.locale), custom_id: DAILY_MODAL });
      return;
    }
    // A button on a private message (the daily's Next) may answer by editing that message.
    const onPrivate = ((i.message.flags?.bitfield ?? 0) & MessageFlags.Ephemeral) !== 0;
    await this.respond(i, caller, () => this.o.app.dispatcher.runButton(caller, id), { deferNow: false, private: false, update: onPrivate });
  }

  private async onModal(i: ModalSubmitInteraction, caller: Caller): Promise<void> {
    if (i.customId === DAILY_MODAL) {
      const answer = i.fields.fields.get(GUESS_FIELD) ? i.fields.getTextInputValue(GUESS_FIELD) : '';
      await this.respond(i, caller, () => this.o.app.dispatcher.run(caller, 'daily', { action: 'guess', answer }), {
        deferNow: false,
        private: true,
      });
      return;
    }
    if (!i.customId.startsWith(GUESS_MODAL)) {
      await i.reply(renderReply({ text: t(caller.locale, 'discord.stale-button'), ephemeral: true }));
      return;
    }
    const roundId = i.customId.slice(GUESS_MODAL.length);
    // A modal left open across rounds must not guess in the next one.
    if (!(await this.isRunning(caller.channelId, roundId))) {
      await i.reply(renderReply({ text: t(caller.locale, 'guess.refused.ended'), ephemeral: true }));
      return;
    }
    let answer = '';
    try {
      answer = i.fields.getTextInputValue(GUESS_FIELD);
    } catch {
      answer = '';
    }
    await this.respond(i, caller, () => this.o.app.dispatcher.run(caller, 'guess', { answer }), {
      deferNow: false,
      private: true,
    });
  }

  private async onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    if (!i.inGuild()) {
      await i.respond([]);
      return;
    }
    const caller = callerFromInteraction(i, this.o.hostRole);
    const focused = i.options.getFocused(true);
    const choices = await this.o.app.dispatcher.autocomplete(caller, i.commandName, focused.name, String(focused.value));
    await i.respond(
      choices.slice(0, 25).map((c) => ({ name: truncate(c.label || c.value, 100), value: truncate(c.value, 100) })),
    );
  }

  /** Whether `roundId` is the round running in the channel (wherever it is run from: the database decides). */
  private async isRunning(channelId: string, roundId: string): Promise<boolean> {
    const round = await this.o.app.game.roundInChannel(channelId);
    return round?.id === roundId && round.status === 'running';
  }

  /**
   * Plain messages as guesses (DISCORD_MESSAGE_GUESSES=true), only in a channel with a
   * running race: no reply, right or wrong (no spam); a correct guess gets a ✅ reaction
   * and the recap names the winner. The dispatcher drops chat that could not be an answer.
   * An experiment's guesses must stay private, so plain messages never count there.
   */
  async onMessage(m: Message): Promise<void> {
    if (m.author.bot || m.webhookId || m.system || !m.inGuild()) return;
    const round = await this.o.app.game.roundInChannel(channelKey(m.channelId));
    if (!round || round.status !== 'running' || round.mode !== 'race') return;
    const text = m.content.trim();
    if (!text) return;
    const caller = callerFromMessage(m, round.locale, this.o.hostRole);
    const { outcome } = await this.o.app.dispatcher.dispatch(caller, { kind: 'chat-guess', text });
    if (outcome?.kind === 'guess' && outcome.guess.kind === 'judged' && outcome.guess.verdict === 'correct') {
      await m.react('✅').catch((err: unknown) => this.o.log.debug({ err }, 'could not react to a correct guess'));
    }
  }

  /** Answers an interaction with the replies of `work`, deferring when needed. */
  private async respond(
    i: RepliableInteraction,
    caller: Caller,
    work: () => Promise<Reply[]>,
    o: { deferNow: boolean; private: boolean; update?: boolean },
  ): Promise<void> {
    const updating = o.update && i.isMessageComponent() ? i : null;
    const running = work().catch((err: unknown): Reply[] => {
      this.o.log.error({ err, user: caller.userId }, 'discord command failed');
      return [{ text: t(caller.locale, 'errors.internal', { incident: 'discord' }), ephemeral: true }];
    });
    let replies: Reply[] | null = null;
    // 0 means always defer: a race against a 0 ms timer would depend on how soon the work happens to finish.
    if (!o.deferNow && this.deferAfterMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), this.deferAfterMs);
      });
      replies = await Promise.race([running, late]);
      clearTimeout(timer);
    }
    try {
      if (replies) {
        const [first, ...rest] = replies.length ? replies : [{ text: t(caller.locale, 'discord.done'), ephemeral: true }];
        if (updating && first!.replace) await updating.update(renderEdit(first!));
        else await i.reply(renderReply(first!));
        for (const r of rest) await i.followUp(renderReply(r));
        return;
      }
      if (updating) {
        // Late: acknowledge without a placeholder, then edit the pressed message (or add one, if the answer is not a replacement).
        await updating.deferUpdate();
        const [first, ...rest] = await running;
        if (first?.replace) await updating.editReply(renderEdit(first));
        else if (first) await updating.followUp(renderReply(first));
        for (const r of rest) await updating.followUp(renderReply(r));
        return;
      }
      await i.deferReply(o.private ? { flags: MessageFlags.Ephemeral } : {});
      const done = await running;
      if (done.length === 0) {
        await i.deleteReply();
        return;
      }
      const [first, ...rest] = done;
      if (Boolean(first!.ephemeral) === o.private) await i.editReply(renderEdit(first!));
      else {
        // Public/private cannot change after deferring: replace the placeholder.
        await i.deleteReply();
        await i.followUp(renderReply(first!));
      }
      for (const r of rest) await i.followUp(renderReply(r));
    } catch (err) {
      if (isCode(err, RESTJSONErrorCodes.UnknownInteraction)) {
        this.o.log.warn({ user: caller.userId }, 'interaction expired before it could be answered');
        return;
      }
      throw err;
    }
  }
}

/** The text box behind a round's Guess button. */
export function guessModal(roundId: string, locale: Locale) {
  return {
    custom_id: `${GUESS_MODAL}${roundId}`,
    title: truncate(t(locale, 'discord.modal.title'), 45),
    components: [
      {
        type: ComponentType.ActionRow as const,
        components: [
          {
            type: ComponentType.TextInput as const,
            custom_id: GUESS_FIELD,
            label: truncate(t(locale, 'discord.modal.label'), 45),
            placeholder: truncate(t(locale, 'discord.modal.placeholder'), 100),
            style: TextInputStyle.Short,
            required: true,
            min_length: 1,
            max_length: 300,
          },
        ],
      },
    ],
  };
}
