/**
 * The Slack adapter: Bolt listeners that acknowledge first, then translate the payload
 * into a Caller + command and call the Dispatcher, and deliver the neutral replies
 * natively (chat.postEphemeral / chat.postMessage with Block Kit). Rounds are drawn by
 * the SlackRoundSink. The same listeners serve Socket Mode and HTTP mode.
 *
 * The adapter acts on what the Dispatcher reports (`outcome`), never on reply text, and keeps
 * no round state: a channel's round, and where its message and thread are, come from
 * GameService.roundInChannel, so any instance can take any interaction.
 */
import type { App as BoltApp, RespondArguments, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import type { App } from '../../app.ts';
import type { Caller, CommandOutcome } from '../../core/commands/define.ts';
import type { Reply } from '../../core/reply.ts';
import { DAILY_GUESS_BUTTON } from '../../views/daily.ts';
import { t } from '../../views/i18n.ts';
import {
  GUESS_BLOCK,
  GUESS_BUTTON,
  GUESS_CALLBACK,
  GUESS_INPUT,
  UMBRELLA,
  UserDirectory,
  makeCaller,
  modalAnswer,
  ns,
  ownSlashCommands,
  parseButtonId,
  slackToPlain,
  slashLine,
} from './inbound.ts';
import { CANNOT_POST, SlackOut, slackErrorCode, type WebClient } from './outbound.ts';
import { SlackEventPlatform } from './events.ts';
import { SlackRoundSink, parseRoundRef } from './sink.ts';
import { parseArgs, splitCommand } from '../../core/commands/parse.ts';
import {
  DECK_FILE_BLOCK,
  DECK_MODAL_CALLBACK,
  attachmentOf,
  deckModal,
  parseDeckModalMeta,
  submittedFileId,
  submittedOptions,
  type SlackFileInfo,
} from './deck-modal.ts';

/**
 * Replies that concern only the player who asked: shown to them alone (ephemeral, or through the
 * response_url), so help, a leaderboard or an explanation does not fill the channel.
 */
export const PRIVATE_ON_SLACK: ReadonlySet<string> = new Set(['help', 'leaderboard', 'explain']);
/** Public replies that belong to the round: posted in the round's thread. */
export const IN_ROUND_THREAD: ReadonlySet<string> = new Set(['hint']);

export interface SlackAdapterOptions {
  app: App;
  bolt: BoltApp;
  client: WebClient;
  log: Logger;
  /** Raw Slack user ids who may host besides workspace admins and owners. */
  hostUsers?: string[];
  imageRetryMs?: number;
}

/** Where replies to one interaction go. */
interface Target {
  team: string;
  channel: string;
  user: string;
  threadTs?: string;
  /** The payload's response_url, when there is one: used when the bot cannot post in the channel. */
  respond?: RespondFn;
  /** A button on a private (ephemeral) message: a `replace` reply takes its place through `respond`. */
  replaceable?: boolean;
}

interface MessageEventLike {
  type: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel: string;
  ts: string;
  thread_ts?: string;
  team?: string;
}

/** The guess modal's round id when it was opened by the daily's Guess button: its answer runs `/daily guess`. */
const DAILY_MODAL_ROUND = 'daily';

interface ModalMeta {
  /** channel, round id, thread */
  c: string;
  r: string;
}

export class SlackAdapter {
  readonly sink: SlackRoundSink;
  readonly users: UserDirectory;
  readonly out: SlackOut;
  private readonly pending = new Set<Promise<unknown>>();
  /** Notices already given to a player for a round's chat guesses (`round|user|what`): each is said once. */
  private readonly told = new Set<string>();
  private startedCount = 0;

  constructor(private readonly o: SlackAdapterOptions) {
    this.out = new SlackOut(o.client, { imageRetryMs: o.imageRetryMs });
    this.users = new UserDirectory({
      usersInfo: (args) => o.client.users.info(args),
      hostUsers: o.hostUsers,
      onError: (err, user) => o.log.warn({ err: errSummary(err), user }, 'slack users.info failed; using defaults'),
    });
    this.sink = new SlackRoundSink({
      out: this.out,
      onError: (err, channelId, update) =>
        o.log.warn({ err: errSummary(err), channelId, kind: update.kind }, 'slack: could not publish a round update'),
    });
    o.app.sinks.register('slack', this.sink);
    o.app.events.registerPlatform('slack', new SlackEventPlatform(this.out, o.log));
    this.listen();
  }

  /** Resolves when every interaction received so far has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** How many interactions the adapter has taken so far (tests wait on it). */
  get started(): number {
    return this.startedCount;
  }

  /**
   * Acknowledges a request. On a starved process Bolt may already have answered Slack's 3 s deadline
   * for us (404), and the late ack then throws: the player saw a timeout, but what they sent is still
   * handled, so nothing is lost.
   */
  private async ackLate(ack: () => Promise<void>): Promise<void> {
    try {
      await ack();
    } catch (err) {
      this.o.log.warn({ err: errSummary(err) }, 'slack: acknowledged after the 3 s deadline; handling it anyway');
    }
  }

  private track(work: () => Promise<void>): Promise<void> {
    this.startedCount++;
    const p = work().catch((err: unknown) => this.o.log.error({ err: errSummary(err) }, 'slack handler failed'));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  private listen(): void {
    const bolt = this.o.bolt;
    const slashes = [UMBRELLA, ...ownSlashCommands(this.o.app.dispatcher.commands).map((c) => `/${c.name}`)];
    for (const name of slashes) {
      bolt.command(name, async ({ command, ack, respond }) => {
        await this.ackLate(ack);
        await this.track(() => this.onSlash(command.command, command.text, command, respond));
      });
    }
    bolt.action(/.+/, async ({ ack, body, action, respond }) => {
      await this.ackLate(ack);
      await this.track(() => this.onButton(body as unknown as ActionBody, action as unknown as { action_id: string; value?: string }, respond));
    });
    bolt.view(GUESS_CALLBACK, async ({ ack, body, view }) => {
      await this.track(async () => {
        const answer = modalAnswer(view.state.values as never);
        const userId = body.user.id;
        if (!answer) {
          // Answered inside the modal, which stays open.
          const user = await this.users.get(userId, body.user.name);
          await ack({ response_action: 'errors', errors: { [GUESS_BLOCK]: t(user.locale, 'slack.modal.empty') } });
          return;
        }
        await this.ackLate(ack);
        const team = body.team?.id ?? body.user.team_id ?? '';
        await this.onModalGuess(team, userId, body.user.name, view.private_metadata, answer);
      });
    });
    bolt.view(DECK_MODAL_CALLBACK, async ({ ack, body, view }) => {
      await this.track(async () => {
        const values = view.state.values as never;
        const fileId = submittedFileId(values);
        const userId = body.user.id;
        if (!fileId) {
          const user = await this.users.get(userId, body.user.name);
          await ack({ response_action: 'errors', errors: { [DECK_FILE_BLOCK]: t(user.locale, 'deck.modal.no-file') } });
          return;
        }
        // The download and the checks can take longer than Slack's 3 s: close the modal first, answer in the channel.
        await this.ackLate(ack);
        const team = body.team?.id ?? body.user.team_id ?? '';
        await this.onDeckModal(team, userId, body.user.name, view.private_metadata, values, fileId);
      });
    });
    bolt.event('message', async ({ event, body }) => {
      await this.track(() => this.onMessage(event as unknown as MessageEventLike, (body as { team_id?: string }).team_id));
    });
    bolt.error(async (err) => {
      this.o.log.error({ err: errSummary(err) }, 'slack: bolt error');
    });
  }

  private async callerFor(team: string, channel: string, userId: string, fallbackName?: string): Promise<Caller> {
    return makeCaller(team, channel, userId, await this.users.get(userId, fallbackName));
  }

  // ---- slash commands -------------------------------------------------------

  private async onSlash(
    command: string,
    text: string,
    p: { team_id: string; channel_id: string; user_id: string; user_name: string; trigger_id?: string },
    respond: RespondFn,
  ): Promise<void> {
    const caller = await this.callerFor(p.team_id, p.channel_id, p.user_id, p.user_name);
    const target: Target = { team: p.team_id, channel: p.channel_id, user: p.user_id, respond };
    const { name, line } = slashLine(command, text);
    const def = this.o.app.dispatcher.command(name);
    if (def?.host && !caller.isHost) {
      // Slack's own words for who hosts (the shared string speaks of Discord's Manage Server).
      await this.deliver(target, [{ text: t(caller.locale, 'slack.not-host'), ephemeral: true }], caller);
      return;
    }
    if (name === 'play' && !(await this.canPost(p.channel_id))) {
      // A round the channel cannot see would run unseen: say how to invite the bot instead of starting it.
      await this.deliver(target, [{ text: t(caller.locale, 'slack.not-in-channel'), ephemeral: true }], caller);
      return;
    }
    if (name === 'deck' && def && caller.isHost && p.trigger_id) {
      // A slash command cannot carry a file: `/deck add` and `/deck import` open a modal with a file_input.
      let opts: Record<string, string> = {};
      try {
        opts = parseArgs(def, splitCommand(line)?.args ?? '');
      } catch {
        // A bad option is answered by the dispatcher below.
      }
      const action = opts.action?.toLowerCase();
      if (action === 'add' || action === 'import') {
        await this.o.client.views.open({ trigger_id: p.trigger_id, view: deckModal(caller.locale, { c: p.channel_id, a: action }, opts.deck) as never });
        return;
      }
    }
    const { replies } = await this.o.app.dispatcher.dispatch(caller, { kind: 'text', text: line });
    await this.deliver(target, replies, caller, name);
  }

  /** A submitted `/deck add` or `/deck import` modal: the file as Slack describes it to the bot, then the same `/deck` command. */
  private async onDeckModal(team: string, userId: string, userName: string, metadata: string, values: never, fileId: string): Promise<void> {
    const meta = parseDeckModalMeta(metadata);
    if (!meta) return;
    const caller = await this.callerFor(team, meta.c, userId, userName);
    const target: Target = { team, channel: meta.c, user: userId };
    let ref;
    try {
      const info = (await this.o.client.files.info({ file: fileId })) as { file?: SlackFileInfo };
      ref = info.file ? attachmentOf(info.file) : null;
    } catch (err) {
      this.o.log.warn({ err: errSummary(err), fileId }, 'slack: files.info failed for a deck upload');
      ref = null;
    }
    if (!ref) {
      await this.deliver(target, [{ text: t(caller.locale, 'deck.modal.file-unreadable'), ephemeral: true }], caller);
      return;
    }
    const raw = { ...submittedOptions(meta, values), [meta.a === 'add' ? 'picture' : 'file']: ref };
    const { replies } = await this.o.app.dispatcher.dispatch(caller, { kind: 'command', name: 'deck', raw });
    await this.deliver(target, replies, caller, 'deck');
  }

  /**
   * Whether the bot can post in a channel (`conversations.info`: a member, not archived). Only a
   * definite no refuses; if Slack cannot say (an older install without the read scopes, a network
   * failure), the round starts as before.
   */
  private async canPost(channel: string): Promise<boolean> {
    try {
      const res = (await this.o.client.conversations.info({ channel })) as { channel?: { is_member?: boolean; is_archived?: boolean } };
      return res.channel?.is_member !== false && res.channel?.is_archived !== true;
    } catch (err) {
      const code = slackErrorCode(err) ?? '';
      if (CANNOT_POST.has(code)) return false;
      this.o.log.warn({ err: errSummary(err), channel }, 'slack: could not check channel membership (conversations.info); starting anyway');
      return true;
    }
  }

  // ---- buttons and the guess modal --------------------------------------------

  private async onButton(body: ActionBody, action: { action_id: string; value?: string }, respond: RespondFn): Promise<void> {
    const team = body.team?.id ?? body.user.team_id ?? '';
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!channel) return;
    const caller = await this.callerFor(team, channel, body.user.id, body.user.name);
    const threadTs = body.message?.thread_ts;
    const target: Target = { team, channel, user: body.user.id, threadTs, respond, replaceable: body.container?.is_ephemeral === true };
    const { kind, value } = parseButtonId(action.action_id);
    if (kind === GUESS_BUTTON) {
      const round = await this.o.app.game.roundInChannel(caller.channelId);
      if (!round || round.id !== value || round.status !== 'running') {
        await this.deliver(target, [{ text: t(caller.locale, 'guess.refused.ended'), ephemeral: true }], caller);
        return;
      }
      await this.openGuessModal(body.trigger_id, caller, { c: channel, r: value });
      return;
    }
    if (action.action_id === DAILY_GUESS_BUTTON) {
      await this.openGuessModal(body.trigger_id, caller, { c: channel, r: DAILY_MODAL_ROUND });
      return;
    }
    // Other buttons name the command they run (`explain:<topic>`, `<command>:<opt>=<v>&…`): the Dispatcher reads them.
    const { replies } = await this.o.app.dispatcher.dispatch(caller, { kind: 'button', id: action.action_id });
    await this.deliver(target, replies, caller, kind);
  }

  private async openGuessModal(triggerId: string, caller: Caller, meta: ModalMeta): Promise<void> {
    const l = caller.locale;
    await this.o.client.views.open({
      trigger_id: triggerId,
      view: {
        type: 'modal',
        callback_id: GUESS_CALLBACK,
        private_metadata: JSON.stringify(meta),
        title: { type: 'plain_text', text: t(l, 'slack.modal.title').slice(0, 24) },
        submit: { type: 'plain_text', text: t(l, 'slack.modal.submit').slice(0, 24) },
        close: { type: 'plain_text', text: t(l, 'slack.modal.close').slice(0, 24) },
        blocks: [
          {
            type: 'input',
            block_id: GUESS_BLOCK,
            label: { type: 'plain_text', text: t(l, 'slack.modal.label') },
            element: {
              type: 'plain_text_input',
              action_id: GUESS_INPUT,
              max_length: 300,
              focus_on_load: true,
              placeholder: { type: 'plain_text', text: t(l, 'slack.modal.placeholder') },
            },
          },
        ],
      },
    });
  }

  private async onModalGuess(team: string, userId: string, userName: string, metadata: string, answer: string): Promise<void> {
    let meta: ModalMeta;
    try {
      meta = JSON.parse(metadata) as ModalMeta;
    } catch {
      return;
    }
    if (typeof meta?.c !== 'string' || typeof meta?.r !== 'string') return;
    const caller = await this.callerFor(team, meta.c, userId, userName);
    const target: Target = { team, channel: meta.c, user: userId };
    if (meta.r === DAILY_MODAL_ROUND) {
      const { replies } = await this.o.app.dispatcher.dispatch(caller, { kind: 'command', name: 'daily', raw: { action: 'guess', answer } });
      await this.deliver(target, replies, caller, 'daily');
      return;
    }
    const round = await this.o.app.game.roundInChannel(caller.channelId);
    if (!round || round.id !== meta.r) {
      // The round this modal was opened for is over; never let the guess land in the next one.
      await this.deliver(target, [{ text: t(caller.locale, 'guess.refused.ended'), ephemeral: true }], caller);
      return;
    }
    const { replies } = await this.o.app.dispatcher.dispatch(caller, { kind: 'command', name: 'guess', raw: { answer } });
    await this.deliver(target, replies, caller, 'guess');
  }

  // ---- plain messages: race guesses ---------------------------------------------

  private async onMessage(ev: MessageEventLike, teamId: string | undefined): Promise<void> {
    if (ev.type !== 'message' || ev.subtype || ev.bot_id || !ev.user || !ev.text) return;
    const channelId = ns(ev.channel);
    const round = await this.o.app.game.roundInChannel(channelId);
    if (!round || round.status !== 'running' || round.mode !== 'race') return;
    // In the channel itself, or in the round's thread; other threads are other conversations.
    const inThread = Boolean(ev.thread_ts && ev.thread_ts !== ev.ts);
    if (inThread && ev.thread_ts !== parseRoundRef(round.messageRef)?.ts) return;
    // Slack writes mentions, channels and links as <…> (a typed < arrives as &lt;): left as they are,
    // the Dispatcher sees them and treats the message as conversation.
    const text = /<[^<>]+>/.test(ev.text) ? ev.text : slackToPlain(ev.text);
    const caller = await this.callerFor(teamId ?? ev.team ?? '', ev.channel, ev.user);
    const { replies, outcome } = await this.o.app.dispatcher.dispatch(caller, { kind: 'chat-guess', text });
    if (!this.worthSaying(round.id, caller.userId, outcome)) return;
    await this.deliver({ team: teamId ?? '', channel: ev.channel, user: ev.user, threadTs: inThread ? ev.thread_ts : undefined }, replies, caller);
  }

  /**
   * A plain message may just be chat: a wrong guess (or one not taken as a guess) gets no answer,
   * a correct one (or one just after the winner's) always its private acknowledgement, and any other notice (close, no guesses
   * left, already solved, an error) is said once per round.
   */
  private worthSaying(roundId: string, userId: string, outcome: CommandOutcome | null): boolean {
    let what: string;
    if (!outcome) what = 'error';
    else if (outcome.kind === 'ignored') return false;
    else {
      const g = outcome.guess;
      switch (g.kind) {
        case 'late':
          // Right, a moment after the winner: the player hears who got there first.
          return true;
        case 'refused':
          what = `refused:${g.reason}`;
          break;
        case 'judged':
          if (g.verdict === 'correct') return true;
          if (g.verdict === 'wrong') return false;
          what = g.verdict;
          break;
      }
    }
    const key = `${roundId}|${userId}|${what}`;
    if (this.told.has(key)) return false;
    if (this.told.size >= 5000) this.told.clear();
    this.told.add(key);
    return true;
  }

  // ---- delivery ---------------------------------------------------------------

  /**
   * Sends replies where they belong: ephemeral ones and those of PRIVATE_ON_SLACK commands to the
   * player alone; public ones of IN_ROUND_THREAD commands into the running round's thread.
   */
  private async deliver(target: Target, replies: Reply[], caller: Caller, command?: string): Promise<void> {
    const privately = command !== undefined && PRIVATE_ON_SLACK.has(command);
    let publicTarget = target;
    if (command !== undefined && IN_ROUND_THREAD.has(command) && replies.some((r) => !r.ephemeral)) {
      const thread = parseRoundRef((await this.o.app.game.roundInChannel(caller.channelId))?.messageRef)?.ts;
      if (thread) publicTarget = { ...target, threadTs: thread };
    }
    for (const reply of replies) {
      try {
        if (reply.replace && target.replaceable && target.respond) await this.sendReplacing(target, reply, target.respond);
        else if (reply.ephemeral || privately) await this.sendEphemeral(target, reply);
        else await this.sendPublic(publicTarget, reply);
      } catch (err) {
        this.o.log.warn({ err: errSummary(err), channel: target.channel, user: caller.userId }, 'slack: could not deliver a reply');
      }
    }
  }

  /** A private reply in place of the private message whose button was pressed (the response URL can replace an ephemeral message). */
  private async sendReplacing(target: Target, reply: Reply, respond: RespondFn): Promise<void> {
    const files = [];
    for (const img of reply.images ?? []) files.push({ fileId: (await this.out.upload(undefined, img)).id, alt: img.alt ?? img.name });
    const msg = this.out.message(reply, { images: files });
    await respond({ response_type: 'ephemeral', replace_original: true, text: msg.text, blocks: msg.blocks } as RespondArguments);
  }

  /** A reply only the player sees; its pictures are uploaded privately and shown by image blocks. */
  private async sendEphemeral(target: Target, reply: Reply): Promise<void> {
    const files = [];
    for (const img of reply.images ?? []) files.push({ fileId: (await this.out.upload(undefined, img)).id, alt: img.alt ?? img.name });
    const msg = this.out.message(reply, { images: files });
    try {
      await this.out.ephemeral(target.channel, target.user, msg, target.threadTs);
    } catch (err) {
      if (!target.respond || !CANNOT_POST.has(slackErrorCode(err) ?? '')) throw err;
      await target.respond({ response_type: 'ephemeral', replace_original: false, text: msg.text, blocks: msg.blocks } as RespondArguments);
    }
  }

  /** A public reply; its pictures are uploaded privately and shown by image blocks (or, failing that, in its thread). */
  private async sendPublic(target: Target, reply: Reply): Promise<void> {
    try {
      const images = reply.images ?? [];
      const files = [];
      for (const img of images) files.push({ fileId: (await this.out.upload(undefined, img)).id, alt: img.alt ?? img.name });
      const sent = await this.out.post(target.channel, this.out.message(reply, { images: files }), target.threadTs);
      if (images.length && !sent.imagesShown) {
        for (const img of images) await this.out.upload(target.channel, img, { threadTs: target.threadTs ?? sent.ts });
      }
    } catch (err) {
      if (!target.respond || !CANNOT_POST.has(slackErrorCode(err) ?? '')) throw err;
      const msg = this.out.message({ ...reply, images: undefined });
      await target.respond({ response_type: 'in_channel', replace_original: false, text: msg.text, blocks: msg.blocks } as RespondArguments);
    }
  }
}

interface ActionBody {
  trigger_id: string;
  user: { id: string; name?: string; username?: string; team_id?: string };
  team?: { id: string } | null;
  channel?: { id: string };
  container?: { channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
  message?: { ts?: string; thread_ts?: string };
}

/** Error details without request bodies or headers (which could carry a token). */
export function errSummary(err: unknown): { message: string; code?: string; slack?: string } {
  if (!(err instanceof Error)) return { message: String(err) };
  return {
    message: err.message.slice(0, 500),
    code: (err as { code?: string }).code,
    slack: slackErrorCode(err),
  };
}
