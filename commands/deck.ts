import { defineCommand, type AttachmentRef, type I18nText } from '../src/core/commands/define.ts';
import { UserError } from '../src/core/errors.ts';
import {
  addedReply,
  auditReply,
  createdReply,
  deleteConfirmReply,
  deletedReply,
  exportedReply,
  importedReply,
  listReply,
  removedReply,
  reportedReply,
  reportChannelReply,
  reportsReply,
  showReply,
} from '../src/decks/views.ts';
import { t } from '../src/views/i18n.ts';

const ACTIONS = ['create', 'add', 'remove', 'list', 'show', 'delete', 'export', 'import', 'report', 'reports', 'report-channel', 'audit'] as const;
type Action = (typeof ACTIONS)[number];
/** Anyone may see the list and report a picture; everything else is for hosts. */
const OPEN: readonly Action[] = ['list', 'report'];

const LABELS: Record<Action, I18nText> = {
  create: { en: 'create', zh: '创建' },
  add: { en: 'add a picture', zh: '添加图片' },
  remove: { en: 'remove a picture', zh: '删除图片' },
  list: { en: 'list', zh: '列表' },
  show: { en: 'show (contact sheet)', zh: '查看（缩略图）' },
  delete: { en: 'delete the deck', zh: '删除图库' },
  export: { en: 'export (zip)', zh: '导出（zip）' },
  import: { en: 'import (zip)', zh: '导入（zip）' },
  report: { en: 'report the last picture', zh: '举报刚才的图片' },
  reports: { en: 'reports', zh: '举报列表' },
  'report-channel': { en: 'post reports in this channel (again: stop)', zh: '在此频道接收举报（再次执行：停止）' },
  audit: { en: 'audit log', zh: '审计日志' },
};

const yesNo = [
  { value: 'true', label: { en: 'yes', zh: '是' } },
  { value: 'false', label: { en: 'no', zh: '否' } },
];

/**
 * `/deck`: a server's own decks. Hosts create them and add pictures (checked and normalised before
 * anything is stored, see src/decks/); they are seen and played only in that server or workspace.
 */
export default defineCommand({
  name: 'deck',
  description: { en: 'Your server’s own decks: create them, add pictures, then play them', zh: '本服务器自己的图库：创建、添加图片，然后来玩' },
  options: [
    {
      kind: 'choice',
      name: 'action',
      subcommand: true,
      description: { en: 'What to do', zh: '要做什么' },
      choices: ACTIONS.map((a) => ({ value: a, label: LABELS[a] })),
    },
    { kind: 'string', name: 'deck', subcommands: ['add', 'remove', 'show', 'delete', 'export'], maxLength: 32, description: { en: 'The deck id (like our-cats)', zh: '图库编号（如 our-cats）' } },
    { kind: 'string', name: 'answer', subcommands: ['add'], maxLength: 100, description: { en: 'add: the answer (English)', zh: '添加：答案（英文）' } },
    { kind: 'attachment', name: 'picture', subcommands: ['add'], description: { en: 'add: the picture (PNG, JPEG, WebP or GIF, ≤ 8 MB)', zh: '添加：图片（PNG、JPEG、WebP 或 GIF，≤ 8 MB）' } },
    { kind: 'string', name: 'answer-zh', subcommands: ['add'], maxLength: 100, description: { en: 'add: the answer in Chinese', zh: '添加：中文答案' } },
    { kind: 'string', name: 'aliases', subcommands: ['add'], maxLength: 400, description: { en: 'add: other accepted answers, a|b|c', zh: '添加：其他可接受的答案，a|b|c' } },
    { kind: 'string', name: 'category', subcommands: ['add'], maxLength: 80, description: { en: 'add: the hint (a category)', zh: '添加：提示（类别）' } },
    { kind: 'choice', name: 'famous', subcommands: ['add'], choices: yesNo, description: { en: 'add: a famous picture?', zh: '添加：是否著名图片？' } },
    { kind: 'choice', name: 'motion', subcommands: ['add'], choices: yesNo, description: { en: 'add: a motion item (an animation: what is happening?)', zh: '添加：动作题（动画：发生了什么？）' } },
    { kind: 'string', name: 'item', subcommands: ['remove'], maxLength: 40, description: { en: 'remove: the picture id', zh: '删除：图片编号' } },
    { kind: 'string', name: 'id', subcommands: ['create'], maxLength: 32, description: { en: 'create: the new deck’s id', zh: '创建：新图库的编号' } },
    { kind: 'string', name: 'name', subcommands: ['create'], maxLength: 80, description: { en: 'create: the deck’s name', zh: '创建：图库名称' } },
    { kind: 'string', name: 'name-zh', subcommands: ['create'], maxLength: 80, description: { en: 'create: the name in Chinese', zh: '创建：中文名称' } },
    { kind: 'attachment', name: 'file', subcommands: ['import'], description: { en: 'import: a zip made by /deck export', zh: '导入：由 /deck export 生成的 zip' } },
    { kind: 'string', name: 'confirm', subcommands: ['delete'], maxLength: 32, description: { en: 'delete: the deck id again, to confirm', zh: '删除：再次输入图库编号以确认' } },
  ],
  async run({ caller, services }, opts) {
    const decks = services.serverDecks;
    if (!decks) throw new UserError('deck-unavailable');
    const action = (opts.action as Action | undefined) ?? 'list';
    if (!OPEN.includes(action) && !caller.isHost) throw new UserError('not-host');
    const str = (k: string) => (typeof opts[k] === 'string' ? (opts[k] as string).trim() : '') || undefined;
    const need = (k: 'deck' | 'name' | 'answer' | 'item'): string => {
      const v = str(k);
      if (!v) throw new UserError('deck-need', { what: t(caller.locale, `deck.what.${k}`) });
      return v;
    };
    const file = (k: 'picture' | 'file'): AttachmentRef => {
      const v = opts[k];
      if (typeof v === 'object' && v) return v;
      if (typeof v === 'string') throw new UserError('attachment-not-text', { option: k });
      throw new UserError('deck-need', { what: t(caller.locale, k === 'picture' ? 'deck.what.picture' : 'deck.what.file') });
    };
    switch (action) {
      case 'create': {
        const id = str('id') ?? need('deck');
        return createdReply(caller, await decks.create(caller, id, { en: need('name'), zh: str('name-zh') ?? '' }));
      }
      case 'add': {
        const deck = need('deck');
        const answer = need('answer');
        const picture = file('picture');
        const added = await decks.add(caller, {
          deck,
          picture,
          answer,
          answerZh: str('answer-zh'),
          aliases: (str('aliases') ?? '').split('|'),
          category: str('category'),
          famous: opts.famous === 'true',
          motion: opts.motion === 'true',
        });
        return addedReply(caller, added);
      }
      case 'remove': {
        const deck = need('deck');
        const item = need('item');
        await decks.remove(caller, deck, item);
        return removedReply(caller, deck, item);
      }
      case 'list':
        return listReply(caller, await decks.list(caller));
      case 'show':
        return showReply(caller, await decks.show(caller, need('deck')));
      case 'delete': {
        const deck = need('deck');
        const info = await decks.info(caller, deck);
        if (str('confirm')?.toLowerCase() !== info.id) return deleteConfirmReply(caller, info);
        await decks.delete(caller, info.id);
        return deletedReply(caller, info.id);
      }
      case 'export': {
        const deck = need('deck');
        return exportedReply(caller, deck, await decks.exportZip(caller, deck));
      }
      case 'import':
        return importedReply(caller, await decks.importZip(caller, file('file')));
      case 'report':
        return reportedReply(caller, (await decks.report(caller)).notified);
      case 'report-channel':
        return reportChannelReply(caller, (await decks.toggleReportChannel(caller)).on);
      case 'reports':
        return reportsReply(caller, await decks.reports(caller));
      case 'audit':
        return auditReply(caller, await decks.audit(caller, 20));
    }
  },
});
