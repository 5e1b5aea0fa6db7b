/**
 * The Slack round sink keeps nothing between calls: a round started by one instance is
 * continued by others from the message reference alone (as the runtime stores it). Each
 * "instance" here is a fresh sink with its own Web API client, against one fake Slack.
 */
import { webApi } from '@slack/bolt';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackOut } from '../../src/adapters/slack/outbound.ts';
import { SlackRoundSink, parseRoundRef } from '../../src/adapters/slack/sink.ts';
import type { RoundUpdate } from '../../src/runtime/sink.ts';
import { BOT_TOKEN, FakeSlack } from './fake-slack.ts';
import { buttons, header, imageFileIds, versionText } from './inspect.ts';

const CH = 'C0SINK';
let slack: FakeSlack;
let errors: unknown[];

beforeEach(async () => {
  slack = await FakeSlack.start();
  errors = [];
});
afterEach(async () => {
  await slack.stop();
});

/** A new instance: its own client and sink, no memory of earlier calls. */
function instance(): SlackRoundSink {
  const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  return new SlackRoundSink({ out: new SlackOut(client, { imageRetryMs: 0 }), onError: (err) => errors.push(err) });
}

async function png(shade: number): Promise<Uint8Array> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: { r: shade, g: shade, b: shade } } }).png().toBuffer();
}

async function update(kind: RoundUpdate['kind'], step: number, messageRef: string | null): Promise<RoundUpdate> {
  const title = kind === 'recap' ? 'It was: Mona Lisa' : kind === 'notice' ? undefined : `What is it? Step ${step}/6`;
  const images = kind === 'notice' ? undefined : [{ name: kind === 'recap' ? 'recap.png' : `step-${step}.png`, data: await png(step * 30) }];
  return {
    roundId: 'r1',
    kind,
    step,
    reply: { title, text: kind === 'notice' ? 'The bot restarted.' : 'Guess!', images, buttons: kind === 'recap' ? undefined : [{ id: 'guess:r1', label: 'Guess' }] },
    locale: 'en',
    mode: 'race',
    messageRef,
  };
}

describe('Slack round sink across instances', () => {
  it('continues a round from its message reference alone: one round message, steps in its thread, recap', async () => {
    const ref1 = await instance().publish(`slack:${CH}`, await update('step', 1, null));
    expect(typeof ref1).toBe('string');
    const roundMsg = slack.channelMessages(CH).find((m) => m.kind === 'message')!;
    expect(parseRoundRef(ref1 as string)).toMatchObject({ c: CH, ts: roundMsg.ts });
    expect(versionText(roundMsg.versions.at(-1)!)).toContain('Race: you can also just type your guess');

    // Another instance, step 2: edits the same message and uploads into the same thread.
    const ref2 = (await instance().publish(`slack:${CH}`, await update('step', 2, ref1 as string))) as string;
    expect(slack.channelMessages(CH).filter((m) => m.kind === 'message')).toHaveLength(1);
    expect(header(roundMsg.versions.at(-1))).toBe('What is it? Step 2/6');
    const shares = slack.threadMessages(CH, roundMsg.ts).filter((m) => m.kind === 'file_share');
    expect(shares.map((m) => slack.files.get(m.files[0]!)!.filename)).toEqual(['step-1.png', 'step-2.png']);
    expect(imageFileIds(roundMsg.versions.at(-1))).toEqual([shares[1]!.files[0]]);

    // A third posts a notice in the round's thread; a fourth ends the round.
    await instance().publish(`slack:${CH}`, await update('notice', 2, ref2));
    expect(slack.threadMessages(CH, roundMsg.ts).filter((m) => m.kind === 'message').map((m) => m.text)).toEqual(['The bot restarted.']);
    await instance().publish(`slack:${CH}`, await update('recap', 2, ref2));
    const last = roundMsg.versions.at(-1)!;
    expect(header(last)).toBe('It was: Mona Lisa');
    expect(buttons(last)).toEqual([]);
    // The round message keeps the last step's picture; the strip goes into the thread and the recap into the channel.
    expect(imageFileIds(last)).toEqual([shares[1]!.files[0]]);
    const channelMsgs = slack.channelMessages(CH).filter((m) => m.kind === 'message');
    expect(channelMsgs).toHaveLength(2);
    const strip = slack.files.get(imageFileIds(channelMsgs[1]!.versions[0])[0]!)!;
    expect(strip).toMatchObject({ filename: 'recap.png', thread_ts: roundMsg.ts });
    expect(errors).toEqual([]);
    expect(slack.problems).toEqual([]);
  });

  it('keeps pointing at the round message when a later part of a step fails', async () => {
    const ref1 = (await instance().publish(`slack:${CH}`, await update('step', 1, null))) as string;
    // Slack fails the next upload: the step is reported, and the reference still names the round message.
    slack.failNext('files.getUploadURLExternal', 'internal_error');
    const ref2 = (await instance().publish(`slack:${CH}`, await update('step', 2, ref1))) as string;
    expect(errors).toHaveLength(1);
    expect(parseRoundRef(ref2)).toEqual(parseRoundRef(ref1));
    // So the next step edits that message instead of posting a second one.
    await instance().publish(`slack:${CH}`, await update('step', 3, ref2));
    const posted = slack.channelMessages(CH).filter((m) => m.kind === 'message');
    expect(posted).toHaveLength(1);
    expect(header(posted[0]!.versions.at(-1))).toBe('What is it? Step 3/6');
  });

  it('closes a round message that appeared after its recap: answer shown, button gone, nothing posted', async () => {
    const ref1 = (await instance().publish(`slack:${CH}`, await update('step', 1, null))) as string;
    const roundMsg = slack.channelMessages(CH).find((m) => m.kind === 'message')!;
    expect(buttons(roundMsg.versions.at(-1))).not.toEqual([]);
    const recap = await update('recap', 1, ref1);
    await instance().publish(`slack:${CH}`, { ...recap, kind: 'closed', reply: { ...recap.reply, images: undefined } });
    const last = roundMsg.versions.at(-1)!;
    expect(header(last)).toBe('It was: Mona Lisa');
    expect(buttons(last)).toEqual([]);
    expect(imageFileIds(last)).toEqual(imageFileIds(roundMsg.versions[1]));
    expect(slack.channelMessages(CH).filter((m) => m.kind === 'message')).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('reads only references it wrote: anything else means there is no round message yet', () => {
    expect(parseRoundRef(null)).toBeNull();
    expect(parseRoundRef('1767225600.000001')).toBeNull();
    expect(parseRoundRef('{"c":"C1"}')).toBeNull();
    expect(parseRoundRef('{"c":"C1","ts":"1.2","f":"F1","a":"alt"}')).toEqual({ c: 'C1', ts: '1.2', f: 'F1', a: 'alt' });
  });
});
