/**
 * The Slack adapter end to end: the real Bolt App (Socket Mode and HTTP mode) against
 * the fake Slack, a real app on a SQLite file, real pictures, and the game on a FakeClock.
 */
import pino from 'pino';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../../src/views/i18n.ts';
import { CHANNEL, makeWorld, type Mode, type World } from './harness.ts';
import { allVersionTexts, buttons, ephemeralText, hasLiveMention, header, imageFileIds, versionText } from './inspect.ts';

const CH = `slack:${CHANNEL}`;

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function png(bytes: Buffer | undefined) {
  expect(bytes, 'uploaded bytes').toBeDefined();
  const img = sharp(bytes!);
  const meta = await img.metadata();
  const { data } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const colours = new Set<string>();
  for (let i = 0; i < data.length; i += 3) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
  return { format: meta.format, width: meta.width, height: meta.height, colours: colours.size };
}

function ephemeralsTo(user: string): string[] {
  return w!.slack.ephemerals.filter((e) => e.user === user).map(ephemeralText);
}

/** The text fallback of the last ephemeral message to a user. */
function lastEphemeral(user: string): string | undefined {
  return w!.slack.ephemerals.filter((e) => e.user === user).at(-1)?.text;
}

describe.each(['socket', 'http'] as Mode[])('Slack adapter, %s mode', (mode) => {
  it('plays a whole race round: thread uploads, one updated round message, plain-message guesses, recap, scores', async () => {
    w = await makeWorld(mode);
    const { slack, t } = w;
    await w.slash('UHOST', 'play deck:masterpieces item:mona-lisa mode:race step-seconds:20');
    const round = t.app.game.activeRound(CH)!;
    expect(round.config).toMatchObject({ mode: 'race', stepSeconds: 20, hostId: 'slack:UHOST', scopeId: 'slack:T0TEAM', locale: 'en' });
    expect(ephemeralsTo('UHOST').join('\n')).toContain('Round started in *Masterpieces* (race)');

    // One channel message for the round, with a Guess button; step 1 is uploaded into its thread.
    const [roundMsg, ...others] = slack.channelMessages(CHANNEL).filter((m) => m.kind === 'message');
    expect(others).toEqual([]);
    expect(header(roundMsg!.versions[0])).toBe('What is it? Step 1/6 · 2×2 (4 pixels)');
    const latest = () => roundMsg!.versions.at(-1)!;
    expect(buttons(latest())).toEqual([{ action_id: `guess:${round.config.id}`, text: 'Guess' }]);
    const shares = () => slack.threadMessages(CHANNEL, roundMsg!.ts).filter((m) => m.kind === 'file_share');
    expect(shares()).toHaveLength(1);
    const step1 = slack.files.get(shares()[0]!.files[0]!)!;
    expect(step1.filename).toBe('step-1.png');
    expect(await png(step1.bytes)).toMatchObject({ format: 'png', width: 512, height: 512 });
    expect((await png(step1.bytes)).colours).toBeLessThanOrEqual(4);
    expect(step1.uploadContentType).toMatch(/^multipart\/form-data/);
    const getUrl = slack.callsTo('files.getUploadURLExternal')[0]!;
    expect(getUrl.params).toMatchObject({ filename: 'step-1.png', length: String(step1.bytes!.length) });
    expect(slack.callsTo('files.completeUploadExternal')[0]!.params).toMatchObject({ channel_id: CHANNEL, thread_ts: roundMsg!.ts });
    // The round message shows the current picture and says where the others are.
    expect(imageFileIds(latest())).toEqual([step1.id]);
    expect(versionText(latest())).toContain("Every step's picture is also in this message's thread.");

    await t.clock.advance(20_000);
    await w.settle();
    expect(header(latest())).toBe('What is it? Step 2/6 · 4×4 (16 pixels)');
    expect(shares()).toHaveLength(2);
    const step2 = slack.files.get(shares()[1]!.files[0]!)!;
    expect(step2.filename).toBe('step-2.png');
    const p2 = await png(step2.bytes);
    expect(p2).toMatchObject({ width: 512, height: 512 });
    expect(p2.colours).toBeGreaterThan(1);
    expect(p2.colours).toBeLessThanOrEqual(16);
    expect(imageFileIds(latest())).toEqual([step2.id]);

    // Plain messages are guesses in a race: a wrong one in the channel gets no answer,
    // one in another thread or from a bot is not a guess, the right one in the round's thread wins.
    await w.say('UBOB', 'sunflowers');
    await w.say('UBOB', 'mona lisa', { thread_ts: '1111.2222' });
    await w.say('UADMIN', 'the scream');
    await w.event(slack.messageEventBody({ user: 'UBOB', channel: CHANNEL, text: 'mona lisa', subtype: 'message_changed' }));
    await w.event(slack.messageEventBody({ user: 'UBOT2', channel: CHANNEL, text: 'mona lisa', bot_id: 'B2' }));
    expect(ephemeralsTo('UBOB')).toEqual([]);
    expect(t.app.game.activeRound(CH)?.status).toBe('running');
    await w.say('UALICE', 'Mona Lisa!', { thread_ts: roundMsg!.ts });

    expect(t.app.game.activeRound(CH)).toBeUndefined();
    expect(ephemeralsTo('UALICE').join('\n')).toContain('You win this round at step 2');
    // The round message names the answer and loses its button.
    expect(header(latest())).toBe('It was: Mona Lisa (蒙娜丽莎)');
    expect(buttons(latest())).toEqual([]);
    expect(roundMsg!.versions.map((v) => header(v)?.replace(/ ·.*/, ''))).toEqual([
      'What is it? Step 1/6',
      'What is it? Step 1/6',
      'What is it? Step 2/6',
      'It was: Mona Lisa (蒙娜丽莎)',
    ]);
    // The recap is posted in the channel, with the strip (uploaded into the thread).
    const channelMsgs = slack.channelMessages(CHANNEL).filter((m) => m.kind === 'message');
    expect(channelMsgs).toHaveLength(2);
    const recap = channelMsgs[1]!;
    expect(header(recap.versions[0])).toBe('It was: Mona Lisa (蒙娜丽莎)');
    const recapText = versionText(recap.versions[0]!);
    expect(recapText).toContain('🏆 Alice knew it first, at step 2');
    expect(recapText).toContain('Mona Lisa, Leonardo da Vinci');
    const stripId = imageFileIds(recap.versions[0])[0]!;
    const strip = slack.files.get(stripId)!;
    expect(strip.filename).toBe('recap.png');
    expect(strip.thread_ts).toBe(roundMsg!.ts);
    const stripPng = await png(strip.bytes);
    expect(stripPng.format).toBe('png');
    expect(stripPng.width!).toBeGreaterThan(stripPng.height!);

    // Scores are in the database.
    const top = await t.app.store.leaderboard('channel', CH, 5);
    expect(top).toEqual([expect.objectContaining({ name: 'Alice', points: 5, wins: 1, solved: 1 })]);
    const guesses = await t.app.store.db.selectFrom('guesses').select(['player_id', 'verdict', 'step']).orderBy('id').execute();
    expect(guesses).toEqual([
      { player_id: 'slack:UBOB', verdict: 'wrong', step: 2 },
      { player_id: 'slack:UADMIN', verdict: 'wrong', step: 2 },
      { player_id: 'slack:UALICE', verdict: 'correct', step: 2 },
    ]);

    // The leaderboard is a public message with the card.
    await w.slash('UBOB', 'leaderboard scope:channel');
    const board = slack.channelMessages(CHANNEL).filter((m) => m.kind === 'message').at(-1)!;
    expect(header(board.versions[0])).toBe('Leaderboard · this channel');
    expect(versionText(board.versions[0]!)).toContain('1. Alice: 5 pts · 1 win · 1 solved');
    const card = slack.files.get(imageFileIds(board.versions[0])[0]!)!;
    expect((await png(card.bytes)).format).toBe('png');

    // Every Web API call was form-encoded exactly, every message had a text fallback, nothing odd reached the fake.
    expect(new Set(slack.calls.map((c) => c.contentType))).toEqual(new Set(['application/x-www-form-urlencoded']));
    for (const c of slack.calls.filter((c) => /^chat\./.test(c.method))) expect(String(c.params.text ?? '').trim(), c.method).not.toBe('');
    expect(slack.problems).toEqual([]);
  });

  it('plays an experiment round: the Guess button opens a modal, guesses stay private, the recap counts who knew it when', async () => {
    w = await makeWorld(mode);
    const { slack, t } = w;
    await w.slash('UHOST', 'play deck:masterpieces item:the-kiss mode:experiment');
    const round = t.app.game.activeRound(CH)!;
    expect(round.config.mode).toBe('experiment');
    const roundMsg = slack.channelMessages(CHANNEL)[0]!;

    await w.button('UALICE', `guess:${round.config.id}`, roundMsg.ts);
    expect(slack.views).toHaveLength(1);
    const view = slack.views[0]!.view;
    expect(view).toMatchObject({ type: 'modal', callback_id: 'emergence_guess', title: { text: 'Your guess' } });
    expect(JSON.parse(String(view.private_metadata))).toEqual({ c: CHANNEL, r: round.config.id });
    await w.submit('UALICE', view, 'the kiss');
    expect(ephemeralsTo('UALICE').join('\n')).toContain('Correct, and you were the first! Step 1');

    // A plain message is not a guess in an experiment (it would not be private).
    await w.say('UBOB', 'the kiss');
    await w.slash('UBOB', 'guess a sunflower');
    expect(ephemeralsTo('UBOB')).toHaveLength(1);
    expect(ephemeralsTo('UBOB')[0]).toContain('❌ Not it.');
    await t.clock.advance(15_000);
    await w.settle();
    await w.slash('UWANG', 'guess 吻');
    expect(ephemeralsTo('UWANG').join('\n')).toContain('✅ 猜对了');

    // Nothing but the round message has been posted in the channel: guesses are private.
    expect(slack.channelMessages(CHANNEL).filter((m) => m.kind === 'message')).toHaveLength(1);
    for (const text of allVersionTexts(roundMsg)) expect(text).not.toMatch(/kiss|吻/i);

    // All six steps run, then the last window, then the recap.
    for (let i = 0; i < 10 && t.app.game.activeRound(CH); i++) {
      await t.clock.advance(15_000);
      await w.settle();
    }
    expect(t.app.game.activeRound(CH)).toBeUndefined();
    expect(roundMsg.versions.map((v) => header(v)?.replace(/ ·.*/, ''))).toEqual([
      'What is it? Step 1/6',
      'What is it? Step 1/6',
      'What is it? Step 2/6',
      'What is it? Step 3/6',
      'What is it? Step 4/6',
      'What is it? Step 5/6',
      'What is it? Step 6/6',
      'Last chance! Step 6/6',
      'It was: The Kiss (吻)',
    ]);
    const uploads = slack.threadMessages(CHANNEL, roundMsg.ts).flatMap((m) => m.files.map((id) => slack.files.get(id)!.filename));
    expect(uploads).toEqual(['step-1.png', 'step-2.png', 'step-3.png', 'step-4.png', 'step-5.png', 'step-6.png', 'recap.png']);
    const recap = slack.channelMessages(CHANNEL).filter((m) => m.kind === 'message')[1]!;
    const text = versionText(recap.versions[0]!);
    expect(text).toContain('*Who knew it, and when*');
    expect(text).toContain('Alice: step 1 · 2×2 (4 pixels), +8');
    expect(text).toContain('小王: step 2 · 4×4 (16 pixels), +5');
    expect(text).toContain('2×2: 1 new · 1 of 3 by then');

    // A Guess button on an ended round does not open a modal; a late modal answer is not counted.
    await w.button('UBOB', `guess:${round.config.id}`, roundMsg.ts);
    expect(slack.views).toHaveLength(1);
    expect(ephemeralsTo('UBOB').at(-1)).toContain('This round has ended.');
    await w.submit('UBOB', view, 'the kiss');
    const rows = await t.app.store.db.selectFrom('guesses').select(['player_id', 'verdict', 'step']).orderBy('id').execute();
    expect(rows).toEqual([
      { player_id: 'slack:UALICE', verdict: 'correct', step: 1 },
      { player_id: 'slack:UBOB', verdict: 'wrong', step: 1 },
      { player_id: 'slack:UWANG', verdict: 'correct', step: 2 },
    ]);
    expect(slack.problems).toEqual([]);
  });

  it('/explain answers with blocks, the demonstration picture and related-topic buttons', async () => {
    w = await makeWorld(mode);
    const { slack } = w;
    const posted = () => slack.channelMessages(CHANNEL).filter((m) => m.kind === 'message');
    await w.slash('UALICE', 'what is <emergence> & why?', '/explain');
    expect(posted()).toHaveLength(1);
    const answer = posted()[0]!;
    const shown = answer.versions[0]!;
    expect(shown.text, 'a text fallback').toBeTruthy();
    expect(shown.blocks!.map((b) => b.type)).toEqual(expect.arrayContaining(['header', 'section', 'image', 'actions']));
    expect(versionText(shown)).toMatch(/emergen/i);
    // The demonstration picture: uploaded (privately) and shown by an image block.
    const ids = imageFileIds(shown);
    expect(ids).toHaveLength(1);
    expect((await png(slack.files.get(ids[0]!)!.bytes)).format).toBe('png');
    // Related topics are buttons; pressing one (here by a Chinese-speaking user) answers in their language.
    const related = buttons(shown);
    expect(related.length).toBeGreaterThan(1);
    for (const b of related) expect(b.action_id).toMatch(/^explain:/);
    await w.button('UWANG', related.at(-1)!.action_id, answer.ts);
    expect(posted()).toHaveLength(2);
    expect(versionText(posted()[1]!.versions[0]!)).toMatch(/[\u4e00-\u9fff]/);
    expect(slack.problems).toEqual([]);
  });

  it('/emergence alone shows help, with Slack’s command names, in the user’s language', async () => {
    w = await makeWorld(mode);
    const { slack } = w;
    await w.slash('UALICE', '');
    const help = slack.channelMessages(CHANNEL).at(-1)!;
    expect(header(help.versions[0])).toBe('Emergence: the picture experiment as a game');
    const text = versionText(help.versions[0]!);
    expect(text).toContain('`/emergence play [deck] [mode] [item] [step-seconds]`');
    expect(text).toContain('`/emergence guess &lt;answer&gt;`');
    expect(text).not.toMatch(/`\/play/);
    await w.slash('UWANG', 'help');
    expect(header(slack.channelMessages(CHANNEL).at(-1)!.versions[0])).toBe(t('zh', 'help.title'));
    await w.slash('UALICE', 'dance wildly');
    expect(lastEphemeral('UALICE')).toContain('Unknown command /emergence dance. Try `/emergence help`.');
    // Buttons other than Guess name the command they run.
    await w.button('UBOB', 'leaderboard:scope=channel', help.ts);
    expect(header(slack.channelMessages(CHANNEL).at(-1)!.versions[0])).toBe('Leaderboard · this channel');
    await w.button('UBOB', 'dance:wildly', help.ts);
    expect(lastEphemeral('UBOB')).toContain('Unknown command /emergence dance.');
    expect(slack.problems).toEqual([]);
  });

  it('refuses host commands from non-hosts, in their language; admins and listed members may host', async () => {
    w = await makeWorld(mode);
    const { slack, t } = w;
    await w.slash('UALICE', 'play item:mona-lisa');
    expect(lastEphemeral('UALICE')).toBe('Only a host can set item.');
    expect(t.app.game.activeRound(CH)).toBeUndefined();

    await w.slash('UALICE', 'play deck:masterpieces');
    expect(t.app.game.activeRound(CH)?.status).toBe('running');
    await w.slash('UALICE', 'stop');
    expect(lastEphemeral('UALICE')).toBe('Only a host can do that: a workspace admin or owner, or a member listed in SLACK_HOST_USERS.');
    await w.slash('UWANG', 'skip');
    expect(lastEphemeral('UWANG')).toBe('只有主持人可以这样做：工作区管理员或所有者，或 SLACK_HOST_USERS 中列出的成员。');
    expect(t.app.game.activeRound(CH)).toMatchObject({ status: 'running', step: 1 });

    // A workspace admin (users.info is_admin) may skip; a member listed in SLACK_HOST_USERS may stop.
    await w.slash('UADMIN', 'skip');
    expect(t.app.game.activeRound(CH)?.step).toBe(2);
    await w.slash('UHOST', 'stop');
    expect(t.app.game.activeRound(CH)).toBeUndefined();
    const recap = slack.channelMessages(CHANNEL).filter((m) => m.kind === 'message').at(-1)!;
    expect(versionText(recap.versions[0]!)).toContain('The host stopped the round.');
    expect(slack.callsTo('users.info').every((c) => c.params.include_locale === 'true')).toBe(true);
    expect(slack.problems).toEqual([]);
  });

  it('never echoes user text with live mentions', async () => {
    w = await makeWorld(mode);
    const { slack } = w;
    await w.slash('UHOST', 'play deck:masterpieces item:starry-night mode:race');
    await w.slash('UEVIL', 'guess <!channel> <!here> @everyone <@UADMIN> & co');
    await w.slash('UEVIL', 'guess starry night');
    await w.slash('UEVIL', 'leaderboard');
    await w.slash('UALICE', 'play deck:<!here>');
    const texts = [...slack.messages.flatMap(allVersionTexts), ...slack.ephemerals.map(ephemeralText)];
    expect(texts.join('\n')).toContain('&lt;!channel&gt; &amp; @\u2060everyone &lt;@UADMIN&gt;');
    expect(texts.join('\n')).toContain('There is no deck called');
    for (const text of texts) expect(hasLiveMention(text), text).toBe(false);
  });
});

describe('Slack adapter, HTTP mode: request signatures', () => {
  it('rejects a bad signature with 401 and runs nothing', async () => {
    w = await makeWorld('http');
    const { slack, running } = w;
    const { formBody, signedPost, SIGNING_SECRET } = await import('./fake-slack.ts');
    const url = `http://127.0.0.1:${running.port}/slack/events`;
    const body = formBody(slack.slashPayload({ command: '/emergence', text: 'play', user: 'UHOST', channel: CHANNEL }));
    const before = slack.calls.length;
    const forged = await signedPost(url, body, { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const garbage = await signedPost(url, body, { secret: SIGNING_SECRET, signature: 'v0=00' });
    expect(garbage.status).toBe(401);
    const tampered = await signedPost(url, body.replace('text=play', 'text=stop'), {
      secret: SIGNING_SECRET,
      signature: (await import('./fake-slack.ts')).sign(SIGNING_SECRET, Math.floor(Date.now() / 1000), body),
    });
    expect(tampered.status).toBe(401);
    await w.settle();
    expect(running.adapter.started).toBe(0);
    expect(slack.calls.length).toBe(before);
    expect(w.t.app.game.activeRound(CH)).toBeUndefined();
    // The same request, signed properly, works.
    const ok = await signedPost(url, body, { secret: SIGNING_SECRET });
    expect(ok.status).toBe(200);
  });

  it('rejects a stale timestamp with 401, even when correctly signed', async () => {
    w = await makeWorld('http');
    const { slack, running } = w;
    const { formBody, signedPost, SIGNING_SECRET } = await import('./fake-slack.ts');
    const url = `http://127.0.0.1:${running.port}/slack/events`;
    const body = formBody(slack.slashPayload({ command: '/emergence', text: 'play', user: 'UHOST', channel: CHANNEL }));
    const before = slack.calls.length;
    const stale = await signedPost(url, body, { secret: SIGNING_SECRET, timestamp: Math.floor(Date.now() / 1000) - 10 * 60 });
    expect(stale.status).toBe(401);
    await w.settle();
    expect(running.adapter.started).toBe(0);
    expect(slack.calls.length).toBe(before);
    expect(w.t.app.game.activeRound(CH)).toBeUndefined();
  });
});

describe('Slack adapter, Socket Mode specifics', () => {
  it('acknowledges an envelope before doing any work for it', async () => {
    w = await makeWorld('socket');
    const { slack } = w;
    await w.slash('UHOST', 'play deck:masterpieces item:mona-lisa');
    const env = slack.envelopes.find((e) => e.type === 'slash_commands')!;
    const firstWork = slack.calls.find((c) => c.seq > env.sentSeq)!;
    expect(firstWork.method).toBe('users.info');
    expect(env.ack).toBeDefined();
    expect(env.ack!.seq).toBeLessThan(firstWork.seq);
    expect(env.ack!.payload).toEqual({});
  });

  it('in a channel the bot is not in, says how to invite it and leaves no round running', async () => {
    w = await makeWorld('socket');
    const { slack, t } = w;
    slack.notInChannel.add('C0PRIV');
    await w.slash('UHOST', 'play deck:masterpieces', '/emergence', 'C0PRIV');
    expect(t.app.game.activeRound('slack:C0PRIV')).toBeUndefined();
    expect(slack.responses.map((r) => r.body)).toEqual([
      expect.objectContaining({ response_type: 'ephemeral', text: expect.stringContaining('/invite @Emergence') }),
    ]);
  });

  it('when Slack refuses an image block, the round message goes out without it and the picture stays in the thread', async () => {
    w = await makeWorld('socket');
    const { slack } = w;
    slack.rejectImageBlocks = 2;
    await w.slash('UHOST', 'play deck:masterpieces item:mona-lisa');
    const roundMsg = slack.channelMessages(CHANNEL)[0]!;
    expect(roundMsg.versions).toHaveLength(2);
    expect(imageFileIds(roundMsg.versions[1])).toEqual([]);
    expect(header(roundMsg.versions[1])).toBe('What is it? Step 1/6 · 2×2 (4 pixels)');
    expect(slack.threadMessages(CHANNEL, roundMsg.ts).flatMap((m) => m.files)).toHaveLength(1);
  });
});

describe('Slack adapter: secrets', () => {
  it.each(['socket', 'http'] as Mode[])('never logs the tokens or the signing secret (%s mode, most verbose level)', async (mode) => {
    const { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET } = await import('./fake-slack.ts');
    const lines: string[] = [];
    const log = pino({ level: 'trace' }, { write: (s: string) => void lines.push(s) });
    w = await makeWorld(mode, { log });
    await w.slash('UHOST', 'play deck:masterpieces item:mona-lisa');
    await w.say('UALICE', 'mona lisa');
    await w.slash('UALICE', 'stop');
    await w.close();
    w = undefined;
    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/xox[bp]-|xapp-/);
    // Payloads logged by the SDK at this level carry Slack's (deprecated) verification token: scrubbed too.
    expect(all).not.toContain('deprecated-verification-token');
  });
});
