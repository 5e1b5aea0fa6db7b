/**
 * `/deck add` on Slack through the real Bolt App and the fake Slack: the slash command opens a modal
 * with a file_input and the answer fields; on submission the bot asks files.info, downloads the
 * private URL with its token (from ATTACHMENT_HOSTS, the fake's own address), and the picture passes
 * the same checks as on Discord.
 */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageKey } from '../../src/views/i18n.ts';
import { t } from '../../src/views/i18n.ts';
import { plainText } from '../../src/core/reply.ts';
import { BOT_TOKEN } from '../slack/fake-slack.ts';
import { makeWorld, type World } from '../slack/harness.ts';
import { ephemeralText } from '../slack/inspect.ts';
import { goodPng } from './fixtures.ts';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const slackEn = { locale: 'en' as const, platform: 'slack' as const };
const errorText = (code: string, params?: Record<string, unknown>) => plainText(t(slackEn, `errors.${code}` as MessageKey, params as never));

type Values = Record<string, Record<string, Record<string, unknown>>>;
function filled(fileId: string | null, fields: Record<string, string>, flags: string[] = []): Values {
  const v: Values = {};
  v.deck_file = { file: { type: 'file_input', files: fileId ? [{ id: fileId, name: 'x' }] : [] } };
  for (const [k, value] of Object.entries(fields)) v[k] = { value: { type: 'plain_text_input', value } };
  v.flags = { value: { type: 'checkboxes', selected_options: flags.map((f) => ({ value: f })) } };
  return v;
}

describe('slack: /deck add opens a file_input modal', { timeout: 90_000 }, () => {
  it('a host uploads a picture through the modal; it is downloaded with the bot token, checked, stored and playable', async () => {
    w = await makeWorld('socket', { attachmentHosts: 'self' });
    const { slack } = w;
    const lastTo = (user: string) => ephemeralText(slack.ephemerals.filter((e) => e.user === user).at(-1)!);

    await w.slash('UHOST', 'deck create id:pets name:Pets');
    expect(lastTo('UHOST')).toContain('pets');

    // A player who is not a host gets no modal, only the refusal.
    await w.slash('UALICE', 'deck add deck:pets');
    expect(slack.views).toHaveLength(0);
    expect(lastTo('UALICE')).toContain(plainText(t(slackEn, 'errors.not-host')).slice(0, 20));

    await w.slash('UHOST', 'deck add deck:pets');
    expect(slack.views).toHaveLength(1);
    const view = slack.views[0]!.view;
    expect(view.callback_id).toBe('deck_modal');
    const blocks = view.blocks as { block_id: string; element: { type: string; initial_value?: string; filetypes?: string[] } }[];
    expect(blocks.map((b) => [b.block_id, b.element.type])).toEqual([
      ['deck_file', 'file_input'],
      ['deck', 'plain_text_input'],
      ['answer', 'plain_text_input'],
      ['answer-zh', 'plain_text_input'],
      ['aliases', 'plain_text_input'],
      ['category', 'plain_text_input'],
      ['flags', 'checkboxes'],
    ]);
    expect(blocks[1]!.element.initial_value).toBe('pets');
    expect(blocks[0]!.element.filetypes).toContain('png');

    // No file: the modal stays open with an error on the file block.
    const ack = await w.submitValues('UHOST', view, filled(null, { deck: 'pets', answer: 'Tabby' }));
    expect(ack).toMatchObject({ response_action: 'errors', errors: { deck_file: expect.any(String) } });

    // A text file named .png: refused with its own message, nothing stored.
    const txt = slack.shareUserFile('notes.png', 'image/png', new TextEncoder().encode('just some notes, not a picture at all'));
    await w.submitValues('UHOST', view, filled(txt, { deck: 'pets', answer: 'Notes' }));
    expect(lastTo('UHOST')).toContain(errorText('upload-not-image'));

    // Slack declares a size that the bytes do not match.
    const png = await goodPng(400, 300, 200);
    const liar = slack.shareUserFile('liar.png', 'image/png', png, { width: 400, height: 300, declaredSize: 100 });
    await w.submitValues('UHOST', view, filled(liar, { deck: 'pets', answer: 'Liar' }));
    expect(lastTo('UHOST')).toContain(errorText('upload-size-mismatch'));

    // Slack declares dimensions over the limit: refused before any download.
    const before = slack.downloads.length;
    const huge = slack.shareUserFile('huge.png', 'image/png', png, { width: 9000, height: 9000 });
    await w.submitValues('UHOST', view, filled(huge, { deck: 'pets', answer: 'Huge' }));
    expect(lastTo('UHOST')).toContain(errorText('upload-dimensions', { max: 8192 }));
    expect(slack.downloads.length).toBe(before);
    expect(await w.t.app.store.db.selectFrom('server_deck_items').select('item_id').execute()).toEqual([]);

    // The good picture.
    const good = slack.shareUserFile('tabby.png', 'image/png', png, { width: 400, height: 300 });
    await w.submitValues('UHOST', view, filled(good, { deck: 'pets', answer: 'Tabby cat', 'answer-zh': '虎斑猫', aliases: 'tabby|cat', category: 'our pets' }, ['famous']));
    expect(lastTo('UHOST')).toContain('tabby-cat');
    expect(slack.callsTo('files.info').map((c) => c.params.file)).toContain(good);
    const got = slack.downloads.filter((d) => d.id === good);
    expect(got).toHaveLength(1);
    expect(got[0]!.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    const rows = await w.t.app.store.db.selectFrom('server_deck_items').select(['item_id', 'answer_zh', 'famous', 'category_en', 'image']).execute();
    expect(rows.map((r) => [r.item_id, r.answer_zh, r.famous, r.category_en])).toEqual([['tabby-cat', '虎斑猫', 1, 'our pets']]);
    expect((await sharp(Buffer.from(rows[0]!.image)).metadata()).format).toBe('webp');

    // Played in this workspace, and won with an alias.
    await w.slash('UHOST', 'play deck:pets mode:race');
    const round = await w.t.app.game.roundInChannel('slack:C0GAME');
    expect(round?.status).toBe('running');
    await w.slash('UBOB', 'guess tabby');
    const winner = await w.t.app.store.db.selectFrom('guesses').select(['player_id', 'verdict']).where('verdict', '=', 'correct').execute();
    expect(winner).toEqual([{ player_id: 'slack:UBOB', verdict: 'correct' }]);
    expect(slack.problems).toEqual([]);
  });

  it('/deck import opens a modal with a zip file_input', async () => {
    w = await makeWorld('http', { attachmentHosts: 'self' });
    await w.slash('UHOST', 'deck import');
    const view = w.slack.views[0]!.view;
    const blocks = view.blocks as { block_id: string; element: { type: string; filetypes?: string[] } }[];
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.element).toMatchObject({ type: 'file_input', filetypes: ['zip'] });
    // Something that is not a zip: the import's own refusal, in the channel, privately.
    const bad = w.slack.shareUserFile('deck.zip', 'application/zip', new TextEncoder().encode('not a zip'));
    await w.submitValues('UHOST', view, { deck_file: { file: { type: 'file_input', files: [{ id: bad }] } } });
    const said = ephemeralText(w.slack.ephemerals.filter((e) => e.user === 'UHOST').at(-1)!);
    expect(said.length).toBeGreaterThan(0);
    expect(w.slack.downloads.map((d) => d.authorization)).toEqual([`Bearer ${BOT_TOKEN}`]);
    expect(await w.t.app.store.db.selectFrom('server_decks').select('slug').execute()).toEqual([]);
  });
});
