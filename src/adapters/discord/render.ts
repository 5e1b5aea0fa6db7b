/**
 * Neutral `Reply` → Discord message payload. One embed (title, description, fields,
 * footer, the first image as `attachment://<name>`), the images as files, buttons in
 * action rows, and `allowedMentions: { parse: [] }` on every message, so nothing the
 * bot posts can ever ping anyone. User text is escaped for markdown and its mentions
 * are broken with a zero-width space, so `@everyone` or `<@123>` show as typed.
 */
import { ButtonStyle, ComponentType, MessageFlags, escapeMarkdown, type APIEmbed } from 'discord.js';
import { plainText, renderText, type Reply } from '../../core/reply.ts';
import { truncate } from '../../core/text/truncate.ts';

/** Discord's limits (characters / counts). */
export const LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  buttonsPerRow: 5,
  rows: 5,
  customId: 100,
  buttonLabel: 80,
} as const;

/** The embed colour of the bot's messages. */
export const EMBED_COLOUR = 0x5b8def;

/** Never ping: no @everyone/@here, no user or role mentions, no reply pings. */
export const NO_MENTIONS = Object.freeze({ parse: [] as never[], repliedUser: false });

const ZWSP = '\u200b';

/**
 * Escapes user text for Discord: every markdown construct (bold, code, spoilers,
 * headings, lists, masked links, quotes), then mention and emoji syntax (`@everyone`,
 * `<@id>`, `<#id>`, `<t:…>`, `</cmd:id>`) is broken by a zero-width space. The text was
 * already cleaned of zero-width characters by `userText()`, so these are the only ones.
 */
export function escapeUserText(s: string): string {
  const md = escapeMarkdown(s, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
  return md
    .replace(/^(\s*)>/, '$1\\>') // a block quote, when the name starts a line
    .replace(/@/g, `@${ZWSP}`)
    .replace(/</g, `<${ZWSP}`);
}

/** Reply text (with user spans) → Discord markdown. The bot's own `**bold**` stays. */
export function discordText(text: string): string {
  return renderText(text, { user: escapeUserText, time: (sec) => `<t:${sec}:F> (<t:${sec}:R>)` });
}


export interface DiscordFile {
  attachment: Buffer;
  name: string;
  description?: string;
}

export interface DiscordPayload {
  content?: string;
  embeds: APIEmbed[];
  files: DiscordFile[];
  components: {
    type: ComponentType.ActionRow;
    components: { type: ComponentType.Button; style: ButtonStyle; custom_id: string; label: string }[];
  }[];
  allowedMentions: typeof NO_MENTIONS;
  flags?: MessageFlags.Ephemeral;
}

const STYLE: Record<string, ButtonStyle> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  danger: ButtonStyle.Danger,
};

/** Whether a reply needs an embed; a bare text reply is sent as plain content. */
function needsEmbed(r: Reply): boolean {
  return Boolean(r.title || r.fields?.length || r.images?.length || r.footer);
}

/** Renders a reply. `ephemeral` adds the Ephemeral flag (interaction replies only). */
export function renderReply(reply: Reply, o: { ephemeral?: boolean } = {}): DiscordPayload {
  const files: DiscordFile[] = (reply.images ?? []).map((img) => ({
    attachment: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength),
    name: img.name,
    ...(img.alt ? { description: truncate(plainText(img.alt), 1024) } : {}),
  }));
  const payload: DiscordPayload = { embeds: [], files, components: [], allowedMentions: NO_MENTIONS };
  if (needsEmbed(reply)) {
    const embed: APIEmbed = { color: EMBED_COLOUR };
    if (reply.title) embed.title = truncate(discordText(reply.title), LIMITS.title);
    const description = discordText(reply.text);
    if (description.trim()) embed.description = truncate(description, LIMITS.description);
    const fields = (reply.fields ?? []).slice(0, LIMITS.fields).map((f) => ({
      name: truncate(discordText(f.name), LIMITS.fieldName) || '\u200b',
      value: truncate(discordText(f.value), LIMITS.fieldValue) || '\u200b',
      inline: Boolean(f.inline),
    }));
    if (fields.length) embed.fields = fields;
    // Footers show no markdown: plain text.
    if (reply.footer) embed.footer = { text: truncate(plainText(reply.footer), LIMITS.footer) };
    const first = reply.images?.[0];
    if (first) embed.image = { url: `attachment://${first.name}` };
    payload.embeds.push(embed);
  } else {
    payload.content = truncate(discordText(reply.text), LIMITS.content) || '\u200b';
  }
  const buttons = (reply.buttons ?? []).slice(0, LIMITS.buttonsPerRow * LIMITS.rows);
  for (let i = 0; i < buttons.length; i += LIMITS.buttonsPerRow) {
    payload.components.push({
      type: ComponentType.ActionRow,
      components: buttons.slice(i, i + LIMITS.buttonsPerRow).map((b) => ({
        type: ComponentType.Button,
        style: STYLE[b.style ?? 'secondary'] ?? ButtonStyle.Secondary,
        custom_id: b.id.slice(0, LIMITS.customId),
        label: truncate(plainText(b.label), LIMITS.buttonLabel),
      })),
    });
  }
  if (o.ephemeral ?? reply.ephemeral) payload.flags = MessageFlags.Ephemeral;
  return payload;
}

/** For a channel message (never ephemeral, so no flags). */
export function renderMessage(reply: Reply): Omit<DiscordPayload, 'flags'> {
  const { flags: _flags, ...rest } = renderReply(reply, { ephemeral: false });
  return rest;
}

/** For editing a message: no flags (they cannot change), and the new files replace every old attachment. */
export function renderEdit(reply: Reply): Omit<DiscordPayload, 'flags'> & { attachments: never[] } {
  const rest = renderMessage(reply);
  return { ...rest, content: rest.content ?? '', attachments: [] };
}
