/**
 * `/deck add` and `/deck import` on Slack: a slash command cannot carry a file, so the adapter opens
 * a modal with a `file_input` (and, for add, the answer fields). On submission the file is looked up
 * with `files.info` (the bot's own view of it: its private download URL, declared size, type and
 * dimensions) and handed to the same `/deck` command as Discord's attachment, marked `auth: 'slack'`
 * so the downloader sends the bot token, to an allowed host only.
 */
import type { AttachmentRef, RawValue } from '../../core/commands/define.ts';
import type { Locale } from '../../core/reply.ts';
import { t } from '../../views/i18n.ts';

export const DECK_MODAL_CALLBACK = 'deck_modal';
export const DECK_FILE_BLOCK = 'deck_file';
const FILE_ACTION = 'file';

/** What the modal was opened for; kept in its private_metadata. */
export interface DeckModalMeta {
  /** Channel id (raw, as Slack has it). */
  c: string;
  a: 'add' | 'import';
}

const TEXT_FIELDS = [
  { block: 'deck', label: 'deck.modal.deck', optional: false, max: 32 },
  { block: 'answer', label: 'deck.modal.answer', optional: false, max: 100 },
  { block: 'answer-zh', label: 'deck.modal.answer-zh', optional: true, max: 100 },
  { block: 'aliases', label: 'deck.modal.aliases', optional: true, max: 400 },
  { block: 'category', label: 'deck.modal.category', optional: true, max: 80 },
] as const;

const FLAGS = ['famous', 'motion'] as const;

/** The modal for `/deck add` (picture and answer fields) or `/deck import` (the zip only). */
export function deckModal(locale: Locale, meta: DeckModalMeta, deck?: string): Record<string, unknown> {
  const add = meta.a === 'add';
  const blocks: Record<string, unknown>[] = [
    {
      type: 'input',
      block_id: DECK_FILE_BLOCK,
      label: { type: 'plain_text', text: t(locale, add ? 'deck.modal.picture' : 'deck.modal.zip') },
      element: { type: 'file_input', action_id: FILE_ACTION, filetypes: add ? ['png', 'jpg', 'jpeg', 'gif', 'webp'] : ['zip'], max_files: 1 },
    },
  ];
  if (add) {
    for (const f of TEXT_FIELDS) {
      blocks.push({
        type: 'input',
        block_id: f.block,
        optional: f.optional,
        label: { type: 'plain_text', text: t(locale, f.label) },
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          max_length: f.max,
          ...(f.block === 'deck' && deck ? { initial_value: deck.slice(0, f.max) } : {}),
        },
      });
    }
    blocks.push({
      type: 'input',
      block_id: 'flags',
      optional: true,
      label: { type: 'plain_text', text: t(locale, 'deck.modal.flags') },
      element: {
        type: 'checkboxes',
        action_id: 'value',
        options: FLAGS.map((v) => ({ value: v, text: { type: 'plain_text', text: t(locale, `deck.modal.${v}`) } })),
      },
    });
  }
  return {
    type: 'modal',
    callback_id: DECK_MODAL_CALLBACK,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: t(locale, add ? 'deck.modal.title-add' : 'deck.modal.title-import').slice(0, 24) },
    submit: { type: 'plain_text', text: t(locale, 'deck.modal.submit').slice(0, 24) },
    close: { type: 'plain_text', text: t(locale, 'slack.modal.close').slice(0, 24) },
    blocks,
  };
}

export function parseDeckModalMeta(s: string): DeckModalMeta | null {
  try {
    const m = JSON.parse(s) as DeckModalMeta;
    return typeof m?.c === 'string' && (m.a === 'add' || m.a === 'import') ? m : null;
  } catch {
    return null;
  }
}

type StateValues = Record<string, Record<string, { value?: string | null; files?: { id?: string }[]; selected_options?: { value?: string }[] }>>;

/** The id of the file the user gave, if any. */
export function submittedFileId(values: StateValues): string | undefined {
  const id = values[DECK_FILE_BLOCK]?.[FILE_ACTION]?.files?.[0]?.id;
  return typeof id === 'string' && id ? id : undefined;
}

/** The typed fields as the `/deck` command's raw options (the file is added by the caller). */
export function submittedOptions(meta: DeckModalMeta, values: StateValues): Record<string, RawValue> {
  const raw: Record<string, RawValue> = { action: meta.a };
  if (meta.a !== 'add') return raw;
  for (const f of TEXT_FIELDS) {
    const v = values[f.block]?.value?.value;
    if (typeof v === 'string' && v.trim()) raw[f.block] = v.trim();
  }
  const flags = new Set((values.flags?.value?.selected_options ?? []).map((o) => o.value));
  for (const v of FLAGS) raw[v] = flags.has(v) ? 'true' : 'false';
  return raw;
}

/** The part of `files.info`'s file the upload checks need. */
export interface SlackFileInfo {
  name?: string;
  mimetype?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
  original_w?: number | string;
  original_h?: number | string;
}

/** A Slack file as an attachment: its private URL, fetched with the bot token. */
export function attachmentOf(file: SlackFileInfo): AttachmentRef | null {
  const url = file.url_private_download ?? file.url_private;
  if (!url) return null;
  const num = (v: unknown) => (v === undefined || v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));
  return {
    url,
    name: file.name ?? 'file',
    size: num(file.size),
    contentType: file.mimetype,
    width: num(file.original_w),
    height: num(file.original_h),
    auth: 'slack',
  };
}
