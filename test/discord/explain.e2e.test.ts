/** /explain through the real client: topic autocomplete, "more" and related-topic buttons, the demonstration picture. */
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeMessage } from './fake-discord.ts';
import { startHarness, type Harness } from './harness.ts';

describe('discord: /explain', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const buttons = (m: FakeMessage) =>
    m.components.flatMap((row: { components: { custom_id: string; label: string }[] }) => row.components);

  it('autocompletes a topic, answers with the demonstration picture, and follows "more" and related topics', async () => {
    const { fake } = h;

    // Autocomplete: typing "emer" offers the topic.
    const ac = await fake.waitForCallback(fake.sendInteraction(fake.autocomplete('explain', 'topic', 'emer')));
    expect(ac.type).toBe(8);
    const choices = ac.data.choices as { name: string; value: string }[];
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    const pick = choices.find((c) => c.value === 'emergence');
    expect(pick).toBeDefined();

    // The chosen value answers: a public embed with the picture and its buttons.
    const answer = await fake.waitForAnswer(fake.sendInteraction(fake.command('explain', { topic: pick!.value })));
    expect(answer.flags & 64).toBe(0);
    const embed = answer.embeds[0];
    expect(embed.title).toMatch(/emergence/i);
    expect(embed.description.length).toBeGreaterThan(40);
    expect(answer.attachments).toHaveLength(1);
    expect(embed.image.url).toBe(`attachment://${answer.attachments[0]!.filename}`);
    const meta = await sharp(answer.attachments[0]!.data).metadata();
    expect(['png', 'gif']).toContain(meta.format);
    expect(meta.width).toBeGreaterThan(100);
    expect(answer.allowed_mentions).toMatchObject({ parse: [] });

    const ids = buttons(answer).map((b) => b.custom_id);
    const more = ids.find((id) => id.includes('detail=long'));
    expect(more).toBeDefined();
    const related = ids.filter((id) => id !== more);
    expect(related.length).toBeGreaterThan(0);

    // "More": the long explanation, which is longer and offers no "more".
    const long = await fake.waitForAnswer(fake.sendInteraction(fake.button(more!, answer)));
    expect(long.embeds[0].title).toBe(embed.title);
    expect(long.embeds[0].description.length).toBeGreaterThan(embed.description.length);
    expect(buttons(long).some((b) => b.custom_id.includes('detail=long'))).toBe(false);

    // A related topic: another entry.
    const other = await fake.waitForAnswer(fake.sendInteraction(fake.button(related[0]!, answer)));
    expect(other.embeds[0].title).toBeTruthy();
    expect(other.embeds[0].title).not.toBe(embed.title);
  });

  it('answers in Chinese for a Chinese Discord client, and escapes a question it cannot answer', async () => {
    const { fake } = h;
    const zh = await fake.waitForAnswer(fake.sendInteraction(fake.command('explain', { topic: '涌现' }, { locale: 'zh-CN' })));
    expect(zh.embeds[0].title).toMatch(/涌现/);

    const odd = await fake.waitForAnswer(
      fake.sendInteraction(fake.command('explain', { topic: '@everyone what is the best pizza topping' })),
    );
    const text = JSON.stringify([odd.content, odd.embeds]);
    expect(text).not.toMatch(/@everyone/);
    expect(odd.allowed_mentions).toMatchObject({ parse: [] });
  });
});
