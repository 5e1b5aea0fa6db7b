/**
 * Neutral `Reply` → Slack Block Kit, always with a text fallback.
 *
 * Slack's mrkdwn treats `<…>` as links and mentions (`<!channel>`, `<@U123>`), and
 * `&` starts an entity, so `&`, `<` and `>` are escaped everywhere: in user spans
 * and in the bot's own text. User spans additionally get `@channel`, `@here` and
 * `@everyone` broken by a word joiner, so no mention can ever be built from them, and
 * their formatting marks replaced by look-alikes (mrkdwn has no escape for `*`, `~`, `_`
 * or backticks), so a name like `*boss*` shows as typed instead of in bold.
 */
import { plainText, renderText, utcText, type Reply } from '../../core/reply.ts';
import { truncate } from '../../core/text/truncate.ts';

/** Slack's three control characters, as the Web API expects them escaped. */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Breaks `@channel`, `@here` and `@everyone` with a word joiner: no broadcast, whatever Slack's parse mode. */
export function defuseBroadcasts(s: string): string {
  return s.replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/**
 * mrkdwn markers → characters that look the same but format nothing. `*`, `~` and backticks
 * are rare in names and always replaced; `_` only where it could open or close italics (at a
 * word's edge: not between two letters or digits), so `john_doe` keeps its underscore.
 */
export function neutraliseFormatting(s: string): string {
  return s
    .replace(/\*/g, '\u2217')
    .replace(/~/g, '\u223C')
    .replace(/`/g, '\u02CB')
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\u02CD');
}

/** A user-provided span: escaped, broadcast words defused, formatting marks neutralised. */
export function escapeUserSpan(s: string): string {
  return defuseBroadcasts(escapeSlack(neutraliseFormatting(s)));
}

/**
 * The bot's own text: escaped too. Broadcast words are defused here as well, because
 * some strings carry user input as plain parameters (an unknown deck or option name).
 */
export function escapeOwnText(s: string): string {
  return defuseBroadcasts(escapeSlack(s));
}

/**
 * Reply text → Slack mrkdwn: `**bold**` → `*bold*`, everything escaped. Commands in the text
 * already read `/emergence …`: the views write them for the caller's platform (commandText).
 */
export function mrkdwn(text: string): string {
  return renderText(text, { user: escapeUserSpan, plain: escapeOwnText, bold: (s) => `*${s}*`, time: slackDate });
}

/** A time in the reader's own time zone; the fallback is UTC. */
export function slackDate(sec: number): string {
  return `<!date^${sec}^{date_short_pretty} {time}|${utcText(sec)}>`;
}

/** Plain text for `plain_text` objects (headers, buttons, modal titles): markers removed, length capped. */
export function plain(text: string, max: number): string {
  return truncate(plainText(text).replace(/\s+/g, ' ').trim(), max);
}


/** Splits long mrkdwn into pieces under Slack's 3000-character section limit, at line breaks when possible. */
export function chunks(s: string, max = 2900): string[] {
  const out: string[] = [];
  let rest = s;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length) out.push(rest);
  return out;
}

// A minimal structural type for the blocks we build (Bolt's own types are much wider).
export type Block = Record<string, unknown> & { type: string };

export interface RenderedMessage {
  /** Notification and accessibility fallback; mrkdwn, escaped like the blocks. */
  text: string;
  blocks: Block[];
}

export interface RenderExtras {
  /** Uploaded Slack file ids to show as image blocks (`slack_file`), with their alt texts. */
  images?: { fileId: string; alt: string }[];
  /** Leave the buttons out (an ended round). */
  noButtons?: boolean;
  /** One more context line under the text (e.g. where the picture is). */
  note?: string;
}

const MAX_BLOCKS = 50;

/** A Reply as Block Kit: header, text sections, fields, images, buttons, footer. */
export function renderReply(reply: Reply, x: RenderExtras = {}): RenderedMessage {
  const blocks: Block[] = [];
  if (reply.title) blocks.push({ type: 'header', text: { type: 'plain_text', text: plain(reply.title, 150), emoji: true } });
  const body = reply.text ? mrkdwn(reply.text) : '';
  for (const part of chunks(body)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: part } });
  for (const f of reply.fields ?? []) {
    const value = `*${mrkdwn(f.name)}*\n${mrkdwn(f.value)}`;
    for (const part of chunks(value)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: part } });
  }
  for (const img of x.images ?? []) {
    blocks.push({ type: 'image', slack_file: { id: img.fileId }, alt_text: truncate(plainText(img.alt), 1900) });
  }
  if (x.note) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(x.note) }] });
  if (!x.noButtons && reply.buttons?.length) {
    blocks.push({
      type: 'actions',
      elements: reply.buttons.slice(0, 25).map((b) => {
        const button: Block = {
          type: 'button',
          action_id: truncate(b.id, 255),
          value: truncate(b.id, 2000),
          text: { type: 'plain_text', text: plain(b.label, 75), emoji: true },
        };
        if (b.style === 'primary' || b.style === 'danger') button.style = b.style;
        return button;
      }),
    });
  }
  if (reply.footer) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(mrkdwn(reply.footer), 2900) }] });
  return { text: fallbackText(reply), blocks: blocks.slice(0, MAX_BLOCKS) };
}

/** The text fallback: title and text (and fields), mrkdwn, escaped, capped. */
export function fallbackText(reply: Reply): string {
  const parts: string[] = [];
  if (reply.title) parts.push(`*${escapeUserSpan(plain(reply.title, 300))}*`);
  if (reply.text) parts.push(mrkdwn(reply.text));
  for (const f of reply.fields ?? []) parts.push(`*${mrkdwn(f.name)}*\n${mrkdwn(f.value)}`);
  return truncate(parts.join('\n'), 3900) || ' ';
}
