/**
 * Everything the adapter sends to Slack, through the Web API client: messages with
 * Block Kit and a text fallback, updates, ephemeral messages, and file uploads with
 * `files.uploadV2` (getUploadURLExternal → POST the bytes → completeUploadExternal).
 */
import type { webApi } from '@slack/bolt';
import type { Reply } from '../../core/reply.ts';
import { renderReply, type Block, type RenderExtras, type RenderedMessage } from './render.ts';

export type WebClient = webApi.WebClient;

/** The Slack error code of a failed Web API call (`not_in_channel`, `invalid_blocks` …), if any. */
export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Errors meaning "the bot cannot post here" (not a member, a DM, archived …). */
export const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cannot_dm_bot']);

export interface UploadedFile {
  id: string;
}

export interface SlackOutOptions {
  /**
   * Slack may refuse an image block for a file uploaded a moment ago (still processing):
   * wait this long and try once more before sending the message without its pictures.
   */
  imageRetryMs?: number;
}

export interface Sent {
  ts: string;
  /** False when Slack refused the image blocks and the message went without them. */
  imagesShown: boolean;
}

export class SlackOut {
  constructor(
    readonly client: WebClient,
    private readonly o: SlackOutOptions,
  ) {}

  message(reply: Reply, extras: RenderExtras = {}): RenderedMessage {
    return renderReply(reply, extras);
  }

  async post(channel: string, msg: RenderedMessage, threadTs?: string): Promise<Sent> {
    const { res, imagesShown } = await this.withImageFallback(msg, (m) =>
      this.client.chat.postMessage({
        channel,
        text: m.text,
        blocks: m.blocks as never,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    return { ts: String(res.ts ?? ''), imagesShown };
  }

  async update(channel: string, ts: string, msg: RenderedMessage): Promise<Sent> {
    const { imagesShown } = await this.withImageFallback(msg, (m) =>
      this.client.chat.update({ channel, ts, text: m.text, blocks: m.blocks as never }),
    );
    return { ts, imagesShown };
  }

  async ephemeral(channel: string, user: string, msg: RenderedMessage, threadTs?: string): Promise<void> {
    await this.withImageFallback(msg, (m) =>
      this.client.chat.postEphemeral({
        channel,
        user,
        text: m.text,
        blocks: m.blocks as never,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
  }

  /**
   * Uploads one picture with `files.uploadV2` and returns its file id. With a channel it
   * is shared there (or in a thread); without one it stays private to the app, to be shown
   * by an image block.
   */
  async upload(
    channel: string | undefined,
    image: { name: string; data: Uint8Array; alt?: string },
    opts: { threadTs?: string; comment?: string } = {},
  ): Promise<UploadedFile> {
    const res = await this.client.files.uploadV2({
      ...(channel ? { channel_id: channel } : {}),
      file: Buffer.from(image.data),
      filename: image.name,
      title: image.name,
      ...(image.alt ? { alt_text: image.alt.slice(0, 1000) } : {}),
      ...(channel && opts.comment ? { initial_comment: opts.comment } : {}),
      ...(channel && opts.threadTs ? { thread_ts: opts.threadTs } : {}),
    } as never);
    const completed = (res as unknown as { files?: { files?: { id?: string }[] }[] }).files ?? [];
    const id = completed.flatMap((c) => c.files ?? []).find((f) => f.id)?.id;
    if (!id) throw new Error('files.uploadV2 returned no file id');
    return { id };
  }

  /**
   * Image blocks reference uploaded files (`slack_file`). If Slack refuses them
   * (`invalid_blocks`: a file still processing), try once more after a moment, then
   * send the same message without them.
   */
  private async withImageFallback<T>(
    msg: RenderedMessage,
    send: (m: RenderedMessage) => Promise<T>,
  ): Promise<{ res: T; imagesShown: boolean }> {
    const hasImages = msg.blocks.some((b: Block) => b.type === 'image');
    try {
      return { res: await send(msg), imagesShown: hasImages };
    } catch (err) {
      if (!hasImages || slackErrorCode(err) !== 'invalid_blocks') throw err;
    }
    const wait = this.o.imageRetryMs ?? 1500;
    if (wait > 0) {
      await new Promise((r) => setTimeout(r, wait));
      try {
        return { res: await send(msg), imagesShown: true };
      } catch (err) {
        if (slackErrorCode(err) !== 'invalid_blocks') throw err;
      }
    }
    return { res: await send({ ...msg, blocks: msg.blocks.filter((b) => b.type !== 'image') }), imagesShown: false };
  }
}
