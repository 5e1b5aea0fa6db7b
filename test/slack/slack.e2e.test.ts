/**
 * The Slack adapter end to end: the real Bolt App (Socket Mode and HTTP mode) against
 * the fake Slack, a real app on a SQLite file, real pictures, and the game on a FakeClock.
 */
import pino from 'pino';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../../src/views/i18n.ts';
import { CHANNEL, makeWorld, type Mode, type World } from './harness.ts';
import { allVersionTexts, blockTexts, buttons, ephemeralText, hasLiveMention, header, imageFileIds, versionText } from './inspect.ts';

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
  it('plays a whole race round: thread uploads, one updated round message, plain-message guesses, recap, scores', { timeout: 60_000 }, async () => {
    w = await makeWorld(mode);
    const { slack, t } = w;
    await w.slash('UHOST', 'play deck:masterpieces item:mona-lisa mode:race step-seconds:20');
    const round = (await t.app.game.roundInChannel(CH))!;
    expect(round).toMatchObject({ status: 'running', mode: 'race', locale: 'en' });
    const row = await t.app.store.db.selectFrom('rounds').select(['step_seconds', 'host_id', 'scope_id']).where('id', '=', round.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ step_seconds: 20, host_id: 'slack:UHOST', scope_id: 'slack:T0TEAM' });
    expect(ephemeralsTo('UHOST').join('\n')).toContain('Round started in *Masterpieces* (race)');

    // One channel message for the round, with a Guess button; step 1 is uploaded into its thread.
    const [roundMsg, ...others] = slack.channelMessages(CHANNEL).filter((m) => m.kind === 'message');
    expect(others).toEqual([]);
    expect(header(roundMsg!.versions[0])).toBe('What is it? Step 1/6 · 2×2 (4 pixels)');
    const latest = () => roundMsg!.versions.at(-1)!;
    expect(buttons(latest())).toEqual([{ action_id: `guess:${round.id}`, text: 'Guess' }]);
    // The round's message reference names the round message: any instance can edit it and find its thread.
    expect(JSON.parse(round.messageRef ?? 'null')).toMatchObject({ c: CHANNEL, ts: roundMsg!.ts });
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

    // A hint is public, in the round's thread: the channel itself stays quiet.
    await w.slash('UBOB', 'hint');
    const hint = slack.threadMessages(CHANNEL, roundMsg!.ts).filter((m) => m.kind === 'message');
    expect(hint.map((m) => versionText(m.versions[0]!))).toEqual([expect.stringMatching(/^Hint: it's a \*/)]);
    expect(slack.channelMessages(CHANNEL).filter((m) => m.kind === 'message')).toHaveLength(1);

    // Plain messages are guesses in a race: a wrong one in the channel gets no answer,
    // one in another thread or from a bot is not a guess, one with a link or a mention is
    // conversation (not even stored), the right one in the round's thread wins.
    await w.say('UBOB', 'sunflowers');
    await w.say('UBOB', 'mona lisa', { thread_ts: '1111.2222' });
    await w.say('UADMIN', 'the scream');
    await w.say('UADMIN', 'is it <https://example.org/mona|mona lisa>?');
    await w.say('UADMIN', '<@UALICE> mona lisa');
    await w.event(slack.messageEventBody({ user: 'UBOB', channel: CHANNEL, text: 'mona lisa', subtype: 'message_changed' }));
    await w.event(slack.messageEventBody({ user: 'UBOT2', channel: CHANNEL, text: 'mona lisa', bot_id: 'B2' }));
    expect(ephemeralsTo('UBOB')).toEqual([]);
    expect(ephemeralsTo('UADMIN')).toEqual([]);
    // Out of guesses for this step: said once, however often the player goes on typing.
    await w.say('UBOB', 'water lilies');
    await w.say('UBOB', 'the kiss');
    await w.say('UBOB', 'the scream');
    await w.say('UBOB', 'starry night');
    expect(slack.ephemerals.filter((e) => e.user === 'UBOB').map((e) => e.text)).toEqual(["You've used your 3 guesses for this step. Wait for the next, sharper step."]);
    expect((await t.app.game.roundInChannel(CH))?.status).toBe('running');
    await w.say('UALICE', 'Mona Lisa!', { thread_ts: roundMsg!.ts });

    expect(await t.app.game.roundInChannel(CH)).toBeNull();
    expect(ephemeralsTo('UALICE')).toHaveLength(1);
    expect(ephemeralsTo('UALICE')[0]).toContain('You win this round at step 2');
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
    // A famous picture known at step 2: the recap links knowledge as compression, with a button.
    expect(recapText).toContain('/explain knowledge-compression');
    expect(buttons(recap.versions[0])).toEqual([{ action_id: 'explain:topic=knowledge-compression', text: 'Knowledge is compression' }]);
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
      { player_id: 'slack:UBOB', verdict: 'wrong', step: 2 },
      { player_id: 'slack:UBOB', verdict: 'wrong', step: 2 },
      { player_id: 'slack:UALICE', verdict: 'correct', step: 2 },
    ]);

    // The leaderboard is shown to the one who asked, with the card; the channel gets nothing.
    const before = slack.messages.length;
    await w.slash('UBOB', 'leaderboard scope:channel');
    expect(slack.messages.length).toBe(before);
    const board = slack.ephemerals.filter((e) => e.user === 'UBOB').at(-1)!;
    expect(header(board)).toBe('Leaderboard · this channel · all time');
    expect(ephemeralText(board)).toContain('1. Alice: 5 pts · 1 win · 1 solved');
    const card = slack.files.get(imageFileIds(board)[0]!)!;
    expect((await png(card.bytes)).format).toBe('png');
    expect(card.channel_id).toBeUndefined();

    // Every Web API call was form-encoded exactly, every message had a text fallback, nothing odd reached the fake.
    expect(new Set(slack.calls.map((c) => c.contentType))).toEqual(new Set(['application/x-www-form-urlencoded']));
    for (const c of slack.calls.filter((c) => /^chat\./.test(c.method))) expect(String(c.params.text ?? '').trim(), c.method).not.toBe('');
    expect(slack.problems).toEqual([]);
  });

  it('plays an experiment round: the Guess button opens a modal, guesses stay private, the recap counts who knew it when', async () => {
    w = await makeWorld(mode);
    const { slack, t } = w;
    await w.slash('UHOST', 'play deck:masterpieces item:the-kiss mode:experiment');
    const round = (await t.app.game.roundInChannel(CH))!;
    expect(round.mode).toBe('experiment');
    const roundMsg = slack.channelMessages(CHANNEL)[0]!;

    await w.button('UALICE', `guess:${round.id}`, roundMsg.ts);
    expect(slack.views).toHaveLength(1);
    const view = slack.views[0]!.view;
    expect(view).toMatchObject({ type: 'modal', callback_id: 'emergence_guess', title: { text: 'Your guess' } });
    expect(JSON.parse(String(view.private_metadata))).toEqual({ c: CHANNEL, r: round.id });
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
    for (let i = 0; i < 10 && (await t.app.game.roundInChannel(CH)); i++) {
      await t.clock.advance(15_000);
      await w.settle();
    }
    expect(await t.app.game.roundInChannel(CH)).toBeNull();
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
    await w.button('UBOB', `guess:${round.id}`, roundMsg.ts);
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

  it('/explain answers privately, with blocks, the demonstration picture and related-topic buttons', async () => {
    w = await makeWorld(mode);
    const { slack } = w;
    await w.slash('UALICE', 'what is <emergence> & why?', '/explain');
    // Only the one who asked sees the answer: nothing is posted in the channel.
    expect(slack.messages).toEqual([]);
    const mine = slack.ephemerals.filter((e) => e.user === 'UALICE');
    expect(mine).toHaveLength(1);
    const shown = mine[0]!;
    expect(shown.text, 'a text fallback').toBeTruthy();
    expect(shown.blocks!.map((b) => b.type)).toEqual(expect.arrayContaining(['header', 'section', 'image', 'actions']));
    expect(ephemeralText(shown)).toMatch(/emergen/i);
    // The demonstration picture: uploaded (privately) and shown by an image block.
    const ids = imageFileIds(shown);
    expect(ids).toHaveLength(1);
    expect(slack.files.get(ids[0]!)!.channel_id).toBeUndefined();
    expect((await png(slack.files.get(ids[0]!)!.bytes)).format).toBe('png');
    // Related topics are buttons; pressing one (here by a Chinese-speaking user) answers them alone, in their language.
    const related = buttons(shown);
    expect(related.length).toBeGreaterThan(1);
    for (const b of related) expect(b.action_id).toMatch(/^explain:/);
    await w.button('UWANG', related.at(-1)!.action_id, '1767225600.000001');
    expect(slack.messages).toEqual([]);
    const wang = slack.ephemerals.filter((e) => e.user === 'UWANG');
    expect(wang).toHaveLength(1);
    expect(ephemeralText(wang[0]!)).toMatch(/[\u4e00-\u9fff]/);
    expect(slack.problems).toEqual([]);
  });

  it('/emergence alone shows help privately, with Slack’s command names, in the user’s language', async () => {
    w = await makeWorld(mode);
    const { slack } = w;
    const lastTo = (user: string) => slack.ephemerals.filter((e) => e.user === user).at(-1);
    await w.slash('UALICE', '');
    const help = lastTo('UALICE')!;
    expect(header(help)).toBe('Emergence: the picture experiment as a game');
    const text = ephemeralText(help);
    expect(text).toContain('`/emergence play [deck] [mode] [item] [step-seconds]`');
    expect(text).toContain('`/emergence guess &lt;answer&gt;`');
    expect(text).not.toMatch(/`\/play/);
    await w.slash('UWANG', 'help');
    expect(header(lastTo('UWANG'))).toBe(t('zh', 'help.title'));
    await w.slash('UALICE', 'dance wildly');
    expect(lastEphemeral('UALICE')).toContain('Unknown command /emergence dance. Try `/emergence help`.');
    // Buttons other than Guess name the command they run; a leaderboard is private too.
    await w.button('UBOB', 'leaderboard:scope=channel', '1767225600.000001');
    expect(header(lastTo('UBOB'))).toBe('Leaderboard · this channel · all time');
    await w.button('UBOB', 'dance:wildly', '1767225600.000001');
    expect(lastEphemeral('UBOB')).toContain('Unknown command /emergence dance.');
    // None of it reached the channel.
    expect(slack.messages).toEqual([]);
    expect(slack.problems).toEqual([]);
  });

  it('refuses host commands from non-hosts, in their language; admins and listed members may host', async () => {
    w = await makeWorld(mode);
    const { slack, t } = w;
    await w.slash('UALICE', 'play item:mona-lisa');
    expect(lastEphemeral('UALICE')).toBe('Only a host can set item.');
    expect(await t.app.game.roundInChannel(CH)).toBeNull();

    await w.slash('UALICE', 'play deck:masterpieces');
    expect((await t.app.game.roundInChannel(CH))?.status).toBe('running');
    await w.slash('UALICE', 'stop');
    expect(lastEphemeral('UALICE')).toBe('Only a host can do that: a workspace admin or owner, or a member listed in SLACK_HOST_USERS.');
    await w.slash('UWANG', 'skip');
    expect(lastEphemeral('UWANG')).toBe('只有主持人可以这样做：工作区管理员或所有者，或 SLACK_HOST_USERS 中列出的成员。');
    const round = (await t.app.game.roundInChannel(CH))!;
    expect(round.status).toBe('running');
    const step = async () => (await t.app.store.db.selectFrom('rounds').select('step').where('id', '=', round.id).executeTakeFirstOrThrow()).step;
    expect(await step()).toBe(1);

    // A workspace admin (users.info is_admin) may skip; a member listed in SLACK_HOST_USERS may stop.
    await w.slash('UADMIN', 'skip');
    expect(await step()).toBe(2);
    await w.slash('UHOST', 'stop');
    expect(await t.app.game.roundInChannel(CH)).toBeNull();
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

describe.each(['socket', 'http'] as Mode[])('Slack adapter, %s mode: display names', (mode) => {
  it('shows a display name with formatting as plain text: no bold, strike, code, italics or mention', { timeout: 30_000 }, async () => {
    const FMT = { id: 'UFMT', name: 'fmt', display_name: '*boss* ~gone~ `rm` _slant_ <!here>', locale: 'en-US' };
    w = await makeWorld(mode, { users: [FMT] });
    const { slack } = w;
    await w.slash('UHOST', 'play deck:masterpieces item:mona-lisa mode:race');
    await w.slash('UFMT', 'guess mona lisa');
    await w.slash('UFMT', 'leaderboard scope:channel');
    const shown = '\u2217boss\u2217 \u223Cgone\u223C \u02CBrm\u02CB \u02CDslant\u02CD &lt;!here&gt;';
    const recap = slack.channelMessages(CHANNEL).filter((m) => m.kind === 'message').at(-1)!;
    const board = slack.ephemerals.filter((e) => e.user === 'UFMT').at(-1)!;
    for (const payload of [recap.versions[0]!.text!, ...blockTexts(recap.versions[0]!.blocks), board.text!, ...blockTexts(board.blocks)]) {
      // Wherever the name appears in the payload, it appears neutralised, never with its marks live.
      expect(payload).not.toMatch(/\*boss\*|~gone~|`rm`|_slant_|<!here>/);
      expect(hasLiveMention(payload), payload).toBe(false);
    }
    expect(versionText(recap.versions[0]!)).toContain(`🏆 ${shown} knew it first`);
    expect(ephemeralText(board)).toContain(shown);
    expect(slack.problems).toEqual([]);
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
    expect(await w.t.app.game.roundInChannel(CH)).toBeNull();
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
    expect(await w.t.app.game.roundInChannel(CH)).toBeNull();
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
    expect(await t.app.game.roundInChannel('slack:C0PRIV')).toBeNull();
    // Asked before anything started: no round was created, nothing was posted.
    expect(await t.app.store.db.selectFrom('rounds').select('id').execute()).toEqual([]);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    expect(slack.responses.map((r) => r.body)).toEqual([
      expect.objectContaining({ response_type: 'ephemeral', text: expect.stringContaining('/invite @Emergence') }),
    ]);
  });

  it('when Slack cannot say whether the bot is in the channel (an install without the read scopes), starts the round as before', async () => {
    w = await makeWorld('socket');
    const { slack, t } = w;
    slack.conversationsInfoError = 'missing_scope';
    await w.slash('UHOST', 'play deck:masterpieces');
    expect((await t.app.game.roundInChannel(CH))?.status).toBe('running');
    expect(slack.callsTo('conversations.info').map((c) => c.params.channel)).toEqual([CHANNEL]);
    expect(slack.channelMessages(CHANNEL).filter((m) => m.kind === 'message')).toHaveLength(1);
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
