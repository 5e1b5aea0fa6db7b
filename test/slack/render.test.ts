import { describe, expect, it } from 'vitest';
import { chunks, escapeSlack, fallbackText, mrkdwn, neutraliseFormatting, renderReply } from '../../src/adapters/slack/render.ts';
import { userText } from '../../src/core/reply.ts';

describe('Slack rendering', () => {
  it('escapes &, < and > in user text, so <!channel> and <@U123> stay text', () => {
    const out = mrkdwn(`Winner: ${userText('<!channel> <@U123> & <https://evil.example|click>')}`);
    expect(out).toBe('Winner: &lt;!channel&gt; &lt;@U123&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(out).not.toMatch(/<[!@#]/);
  });

  it('defuses bare broadcast words, in user text and in the bot’s own text', () => {
    expect(mrkdwn(userText('@here and @Everyone and @channel'))).toBe('@\u2060here and @\u2060Everyone and @\u2060channel');
    expect(mrkdwn('There is no deck called @here.')).toBe('There is no deck called @\u2060here.');
    expect(mrkdwn('mail me at x@heretic.org')).toBe('mail me at x@heretic.org');
  });

  it('shows formatting marks in user text as typed: no bold, strike, code or italics', () => {
    const out = mrkdwn(`🏆 ${userText('*boss* ~gone~ `rm -rf` _slanted_ <!here>')} knew it first, **well done**`);
    expect(out).toBe('🏆 \u2217boss\u2217 \u223Cgone\u223C \u02CBrm -rf\u02CB \u02CDslanted\u02CD &lt;!here&gt; knew it first, *well done*');
    // Underscores inside a word cannot format anything: they stay.
    expect(neutraliseFormatting('john_doe snake_case_name')).toBe('john_doe snake_case_name');
    expect(neutraliseFormatting('_x_ __y__ a_')).toBe('\u02CDx\u02CD \u02CD\u02CDy\u02CD\u02CD a\u02CD');
    // A name cannot open a code span that would swallow the bot's own code spans.
    expect(mrkdwn(`${userText('`')} try \`/emergence play\``)).toBe('\u02CB try `/emergence play`');
  });

  it('escapes the bot’s own text too, and maps **bold** to *bold*', () => {
    expect(mrkdwn('**Race**: 3 < 4 & 5 > 2')).toBe('*Race*: 3 &lt; 4 &amp; 5 &gt; 2');
    expect(escapeSlack('a&b<c>d')).toBe('a&amp;b&lt;c&gt;d');
  });

  it('leaves commands as the views wrote them for Slack (see test/views/commands.test.ts)', () => {
    expect(mrkdwn('Guess with `/emergence guess <answer>`. Try `/explain emergence`.')).toBe(
      'Guess with `/emergence guess &lt;answer&gt;`. Try `/explain emergence`.',
    );
  });

  it('renders a reply as Block Kit with a text fallback', () => {
    const r = renderReply(
      {
        title: 'It was: Mona Lisa',
        text: `🏆 ${userText('<@U1>')} knew it first`,
        fields: [{ name: 'Who knew it', value: 'Alice: step 2' }],
        buttons: [
          { id: 'guess:r1', label: 'Guess', style: 'primary' },
          { id: 'explain:emergence', label: 'Emergence', style: 'secondary' },
        ],
        footer: 'Picture: Leonardo',
      },
      { images: [{ fileId: 'F1', alt: 'The six steps' }] },
    );
    expect(r.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'image', 'actions', 'context']);
    expect(r.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'It was: Mona Lisa', emoji: true } });
    expect(r.blocks[2]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Who knew it*\nAlice: step 2' } });
    expect(r.blocks[3]).toEqual({ type: 'image', slack_file: { id: 'F1' }, alt_text: 'The six steps' });
    expect(r.blocks[4]!.elements).toEqual([
      { type: 'button', action_id: 'guess:r1', value: 'guess:r1', text: { type: 'plain_text', text: 'Guess', emoji: true }, style: 'primary' },
      { type: 'button', action_id: 'explain:emergence', value: 'explain:emergence', text: { type: 'plain_text', text: 'Emergence', emoji: true } },
    ]);
    expect(r.text).toBe('*It was: Mona Lisa*\n🏆 &lt;@U1&gt; knew it first\n*Who knew it*\nAlice: step 2');
    expect(renderReply({ text: 'x', buttons: [{ id: 'a', label: 'b' }] }, { noButtons: true }).blocks.map((b) => b.type)).toEqual(['section']);
  });

  it('keeps within Slack’s limits: long text is split, titles and labels are capped', () => {
    const long = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const parts = chunks(long);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(3000);
    expect(parts.join('\n')).toBe(long);
    const r = renderReply({ title: 'T'.repeat(400), text: long, buttons: [{ id: 'x', label: 'L'.repeat(200) }] });
    expect((r.blocks[0]!.text as { text: string }).text.length).toBeLessThanOrEqual(150);
    const label = (r.blocks.find((b) => b.type === 'actions')!.elements as { text: { text: string } }[])[0]!.text.text;
    expect(Array.from(label).length).toBeLessThanOrEqual(75);
    expect(fallbackText({ text: long }).length).toBeLessThanOrEqual(4000);
  });
});
