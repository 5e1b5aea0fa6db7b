/** Reply → Discord payload. */
import { describe, expect, it } from 'vitest';
import { LIMITS, escapeUserText, renderEdit, renderMessage, renderReply } from '../../src/adapters/discord/render.ts';
import { userText } from '../../src/core/reply.ts';

describe('discord renderer', () => {
  it('escapes user text: markdown, @everyone/@here, user and role mentions', () => {
    const out = escapeUserText('@everyone @here <@123> <@&456> **b** _i_ `c` ||s|| [x](http://e) # h');
    expect(out).not.toMatch(/@everyone|@here|<@123>|<@&456>/);
    expect(out).toContain('@\u200beveryone');
    expect(out).toContain('<\u200b@\u200b123>');
    expect(out).toContain('\\*\\*b\\*\\*');
    expect(out).toContain('\\_i\\_');
    expect(out).toContain('\\`c\\`');
    expect(out).toContain('\\|\\|s\\|\\|');
    expect(out).toContain('\\[x]');
    expect(escapeUserText('> quoted')).toBe('\\> quoted');
  });

  it('keeps the bot’s own bold and escapes only the user spans', () => {
    const p = renderReply({ text: `**Winner**: ${userText('**@here**')}` });
    expect(p.content).toBe('**Winner**: \\*\\*@\u200bhere\\*\\*');
    expect(p.embeds).toEqual([]);
  });

  it('never allows mentions, on any payload', () => {
    for (const r of [{ text: 'x' }, { title: 't', text: 'x' }, { text: 'x', ephemeral: true }]) {
      expect(renderReply(r).allowedMentions).toEqual({ parse: [], repliedUser: false });
      expect(renderMessage(r).allowedMentions).toEqual({ parse: [], repliedUser: false });
    }
  });

  it('builds one embed with the first image as an attachment, fields, footer and buttons', () => {
    const data = new Uint8Array([1, 2, 3]);
    const p = renderReply({
      title: 'Step 1',
      text: 'Guess!',
      fields: [{ name: 'a', value: 'b', inline: true }],
      images: [{ name: 'step-1.png', data, alt: 'pixels' }],
      buttons: [{ id: 'guess:r1', label: 'Guess', style: 'primary' }],
      footer: '**Picture**: public domain',
    });
    expect(p.embeds[0]).toMatchObject({
      title: 'Step 1',
      description: 'Guess!',
      fields: [{ name: 'a', value: 'b', inline: true }],
      image: { url: 'attachment://step-1.png' },
      footer: { text: 'Picture: public domain' },
    });
    expect(p.files).toEqual([{ attachment: Buffer.from(data), name: 'step-1.png', description: 'pixels' }]);
    expect(p.components).toEqual([{ type: 1, components: [{ type: 2, style: 1, custom_id: 'guess:r1', label: 'Guess' }] }]);
    expect(p.flags).toBeUndefined();
  });

  it('marks ephemeral replies, and never channel messages or edits', () => {
    expect(renderReply({ text: 'x', ephemeral: true }).flags).toBe(64);
    expect('flags' in renderMessage({ text: 'x', ephemeral: true })).toBe(false);
    const edit = renderEdit({ title: 't', text: 'x', ephemeral: true });
    expect('flags' in edit).toBe(false);
    // An edit replaces every old attachment with the new files.
    expect(edit.attachments).toEqual([]);
    expect(edit.content).toBe('');
  });

  it('keeps to Discord’s limits', () => {
    const long = 'x'.repeat(10_000);
    const p = renderReply({
      title: long,
      text: long,
      fields: Array.from({ length: 30 }, () => ({ name: long, value: long })),
      buttons: Array.from({ length: 30 }, (_, i) => ({ id: `b:${i}:${long}`, label: long })),
      footer: long,
    });
    const e = p.embeds[0]!;
    expect(e.title!.length).toBeLessThanOrEqual(LIMITS.title);
    expect(e.description!.length).toBeLessThanOrEqual(LIMITS.description);
    expect(e.fields).toHaveLength(25);
    expect(e.fields![0]!.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    expect(e.footer!.text.length).toBeLessThanOrEqual(LIMITS.footer);
    expect(p.components).toHaveLength(5);
    expect(p.components.every((r) => r.components.length <= 5)).toBe(true);
    expect(p.components[0]!.components[0]!.custom_id.length).toBe(100);
    expect(p.components[0]!.components[0]!.label.length).toBeLessThanOrEqual(80);
    expect(renderReply({ text: long }).content!.length).toBeLessThanOrEqual(LIMITS.content);
  });
});
