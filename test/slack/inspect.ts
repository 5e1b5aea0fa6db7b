/** Reading what the app sent to the fake Slack: texts, headers, buttons, images. */
import type { Block, Ephemeral, StoredMessage } from './fake-slack.ts';

/** Every string under `text` keys in blocks (headers, sections, context, buttons). */
export function blockTexts(blocks: Block[] | undefined): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(blocks ?? []);
  return out;
}

/** The fallback text and the block texts of one version of a message, joined. */
export function versionText(v: { text?: string; blocks?: Block[] }): string {
  return [v.text ?? '', ...blockTexts(v.blocks)].join('\n');
}

export function allVersionTexts(m: StoredMessage): string[] {
  return m.versions.map(versionText);
}

export function ephemeralText(e: Ephemeral): string {
  return versionText(e);
}

export function header(v: { blocks?: Block[] } | undefined): string | undefined {
  const h = v?.blocks?.find((b) => b.type === 'header') as { text?: { text?: string } } | undefined;
  return h?.text?.text;
}

export function buttons(v: { blocks?: Block[] } | undefined): { action_id: string; text: string }[] {
  return (v?.blocks ?? [])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements as { action_id: string; text: { text: string } }[]).map((e) => ({ action_id: e.action_id, text: e.text.text })));
}

export function imageFileIds(v: { blocks?: Block[] } | undefined): string[] {
  return (v?.blocks ?? []).filter((b) => b.type === 'image').map((b) => (b.slack_file as { id: string }).id);
}

/** Would this mrkdwn notify people? Slack's special mentions, user mentions, or a bare broadcast word. */
export function hasLiveMention(text: string): boolean {
  return /<!(channel|here|everyone|subteam)|<@[UW][A-Z0-9]*>|(^|[^\u2060])@(channel|here|everyone)\b/i.test(text);
}
