import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainText } from '../../src/core/reply.ts';
import { stripSize } from '../../src/images/ladder.ts';
import { caller, makeTestApp, type TestApp } from '../fakes/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => t.cleanup());

const en = caller('ann');
const zh = caller('li', { locale: 'zh' });
const terminalEn = caller('you', { locale: 'en', localeKnown: false });

describe('/explain', () => {
  it('answers a topic with its title, short answer, more and related buttons, credit and demo picture', async () => {
    const [r] = await t.app.dispatcher.runText(en, '/explain emergence');
    expect(plainText(r!.title!)).toBe('Emergence');
    expect(r!.text.length).toBeGreaterThan(40);
    expect(r!.buttons![0]).toMatchObject({ id: 'explain:topic=emergence&detail=long' });
    expect(r!.buttons!.slice(1).every((b) => b.id.startsWith('explain:topic='))).toBe(true);
    expect(r!.footer).toMatch(/文君/);
    const img = r!.images![0]!;
    const meta = await sharp(img.data).metadata();
    const strip = stripSize();
    expect([img.name, meta.format, meta.width, meta.height]).toEqual(['demo-steps.png', 'png', strip.width, strip.height]);
  });

  it('the more button gives the long explanation, a related button another topic', async () => {
    const [short] = await t.app.dispatcher.runText(en, '/explain threshold');
    const [long] = await t.app.dispatcher.runButton(en, short!.buttons![0]!.id);
    expect(long!.text.length).toBeGreaterThan(short!.text.length);
    expect(long!.buttons!.some((b) => b.id.endsWith('detail=long'))).toBe(false);
    const related = short!.buttons![1]!;
    const [other] = await t.app.dispatcher.runButton(en, related.id);
    expect(plainText(other!.title!)).toBe(related.label);
  });

  it('answers in the platform locale, or in the language of the question when the locale is only a default', async () => {
    const [a] = await t.app.dispatcher.runText(zh, '/explain emergence');
    expect(plainText(a!.title!)).toBe('涌现');
    const [b] = await t.app.dispatcher.runText(terminalEn, '/explain 为什么16x16的蒙娜丽莎也能认出来?');
    expect(b!.text).toMatch(/[\u4e00-\u9fff]/);
    expect(b!.images![0]!.name).toBe('demo-16x16.png');
    const [c] = await t.app.dispatcher.runText(en, '/explain 为什么16x16的蒙娜丽莎也能认出来?');
    expect(c!.text).not.toMatch(/[\u4e00-\u9fff]{4}/);
  });

  it('is honest about questions the article does not cover, and never echoes live mentions', async () => {
    const [r] = await t.app.dispatcher.runText(en, '/explain what is the capital of France @everyone');
    expect(r!.title).toBeUndefined();
    expect(plainText(r!.text)).toMatch(/doesn't cover/);
    expect(r!.text).toContain('\uE000'); // the question is marked as user text for the adapters to neutralise
    expect(r!.buttons!.length).toBeGreaterThan(0);
  });

  it('attaches the two-frame fan animation to multiple thresholds', async () => {
    const [r] = await t.app.dispatcher.runText(en, '/explain multiple-thresholds');
    const img = r!.images![0]!;
    const meta = await sharp(img.data, { animated: true }).metadata();
    expect([img.name, meta.format, meta.pages]).toEqual(['demo-fan.gif', 'gif', 2]);
  });

  it('autocompletes topics in both languages, at most 25', async () => {
    const all = await t.app.dispatcher.autocomplete(en, 'explain', 'topic', '');
    expect(all.length).toBeGreaterThan(0);
    expect(all.length).toBeLessThanOrEqual(25);
    const th = await t.app.dispatcher.autocomplete(en, 'explain', 'topic', 'thres');
    expect(th[0]).toMatchObject({ value: 'threshold' });
    expect(th[0]!.label).toMatch(/阈值/);
  });
});
