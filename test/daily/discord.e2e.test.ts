/** /daily on Discord: the real discord.js client against the fake Discord, a real app and database. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, expectPng512, startHarness, type Harness } from '../discord/harness.ts';
import type { FakeMessage } from '../discord/fake-discord.ts';

const EPHEMERAL = 64;

describe('discord: /daily', { timeout: E2E_TIMEOUT_MS }, () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const everything = (m: FakeMessage) => JSON.stringify({ content: m.content, embeds: m.embeds });
  const buttons = (m: FakeMessage): string[] =>
    m.components.flatMap((row: { components: { custom_id: string }[] }) => row.components.map((c) => c.custom_id));

  it('a private step with Guess and Next, the next step, the Guess text box, and a public Share without the answer', async () => {
    const { fake } = h;
    const ann = fake.member({ name: 'Ann' });
    const daily = h.app.services.daily as unknown as { today(): { item: { answers: { en: string; zh: string }; aliases: string[] } } };
    const { answers, aliases } = daily.today().item;
    const sub = (name: string) => {
      const p = fake.command('daily', {}, { member: ann });
      return { ...p, data: { ...p.data, options: [{ name, type: 1, options: [] }] } };
    };

    // The stats stay hidden before playing.
    const hidden = await fake.waitForAnswer(fake.sendInteraction(sub('stats')));
    expect(hidden.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(everything(hidden)).toContain('show once you have finished');

    const step1 = await fake.waitForAnswer(fake.sendInteraction(sub('play')));
    expect(step1.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(step1.attachments.map((a) => a.filename)).toEqual(['daily-step-1.png']);
    await expectPng512(step1.attachments[0]!.data);
    expect(buttons(step1)).toEqual(['daily:action=guess', 'daily:action=next']);
    expect(everything(step1)).toContain('step 1 of 6');

    const next = fake.sendInteraction(fake.button('daily:action=next', step1, { member: ann }));
    const step2 = await fake.waitForAnswer(next);
    // Next edits the private message in place (an UPDATE_MESSAGE answer), instead of adding one.
    expect(next.callback!.type).toBe(7);
    expect(step2.id).toBe(step1.id);
    expect(step2.history).toHaveLength(2);
    expect(step2.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(step2.attachments.map((a) => a.filename)).toEqual(['daily-step-2.png']);
    await expectPng512(step2.attachments[0]!.data);
    expect(everything(step2)).toContain('step 2 of 6');
    expect(buttons(step2)).toEqual(['daily:action=guess', 'daily:action=next']);

    const press = fake.sendInteraction(fake.button('daily:action=guess', step2, { member: ann }));
    const modal = await fake.waitForCallback(press);
    expect(modal.type).toBe(9);
    expect(modal.data.custom_id).toBe('daily-guess-modal');

    const result = await fake.waitForAnswer(
      fake.sendInteraction(fake.modalSubmit('daily-guess-modal', { answer: answers.en }, { member: ann })),
    );
    expect(result.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(everything(result)).toContain('You knew it at **4×4');
    expect(everything(result)).toMatch(/Emergence #\d+ · ⬛🟩 · 4×4/);
    expect(buttons(result)).toEqual(['daily:action=share', 'daily:action=stats']);

    const shared = await fake.waitForAnswer(fake.sendInteraction(fake.button('daily:action=share', result, { member: ann })));
    expect(shared.flags & EPHEMERAL).toBe(0);
    const post = everything(shared);
    expect(post).toMatch(/Emergence #\d+ · ⬛🟩 · 4×4/);
    for (const name of [answers.en, answers.zh, ...aliases]) expect(post.toLowerCase()).not.toContain(name.toLowerCase());

    const stats = await fake.waitForAnswer(fake.sendInteraction(sub('stats')));
    expect(stats.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(everything(stats)).toContain('**1** player here finished');
    expect(stats.attachments.map((a) => a.filename)).toEqual(['daily-curve.png']);
  });
});

describe('discord: /daily Next when the answer is slow', { timeout: E2E_TIMEOUT_MS }, () => {
  it('acknowledges without a placeholder, then edits the same private message', async () => {
    // Deferring at once: the late path (DEFERRED_UPDATE_MESSAGE, then an edit of @original).
    const h = await startHarness({ deferAfterMs: 0 });
    try {
      const { fake } = h;
      const ann = fake.member({ name: 'Ann' });
      const p = fake.command('daily', {}, { member: ann });
      const step1 = await fake.waitForAnswer(fake.sendInteraction({ ...p, data: { ...p.data, options: [{ name: 'play', type: 1, options: [] }] } }));
      const next = fake.sendInteraction(fake.button('daily:action=next', step1, { member: ann }));
      const edits = step1.history.length;
      await fake.waitFor(() => step1.history.length === edits + 1, 10_000, 'the edit of the step message');
      const step2 = next.original!;
      expect(next.callback!.type).toBe(6);
      expect(step2.id).toBe(step1.id);
      expect(step2.attachments.map((a) => a.filename)).toEqual(['daily-step-2.png']);
      expect(next.followups).toHaveLength(0);
    } finally {
      await h.stop();
    }
  });
});
