/** Host checks, the leaderboard card, deferral and the 3-second deadline, message guesses. */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { commands as builtIn } from '../../commands/index.ts';
import { defineCommand } from '../../src/core/commands/define.ts';
import { ADMIN_PERMISSIONS, snowflake, type FakeDiscord } from './fake-discord.ts';
import { E2E_TIMEOUT_MS, startHarness, type Harness } from './harness.ts';

const EPHEMERAL = 64;

async function startRound(fake: FakeDiscord, mode = 'race') {
  const host = fake.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
  const play = fake.sendInteraction(fake.command('play', { deck: 'masterpieces', item: 'mona-lisa', mode }, { member: host }));
  await fake.waitForAnswer(play);
  return fake.channelMessages()[0]!;
}

/** A test-only command that answers when the test says so. */
function slowCommand(o: { ephemeral?: boolean } = {}) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const def = defineCommand({
    name: 'slow',
    description: { en: 'Slow test command', zh: '慢速测试命令' },
    options: [],
    async run() {
      await gate;
      return { title: 'Slow', text: 'finally **done**', ephemeral: o.ephemeral };
    },
  });
  return { def, release };
}

describe('discord: commands', { timeout: E2E_TIMEOUT_MS }, () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('refuses host commands to members without Manage Server, in their language, and checks again at run time', async () => {
    const hostRole = snowflake();
    h = await startHarness({
      env: { DISCORD_HOST_ROLE: hostRole },
      fake: { guilds: [{ id: snowflake(), channels: [{ id: snowflake() }], roles: [{ id: hostRole, name: 'Quizmaster' }] }] },
    });
    const { fake, app } = h;
    const roundMsg = await startRound(fake);
    const player = fake.member({ name: 'Pat' });

    const skip = fake.sendInteraction(fake.command('skip', {}, { member: player }));
    const cb = await fake.waitForCallback(skip);
    expect(cb.type).toBe(4);
    expect(cb.data.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(cb.data.content).toContain('Only a host can do that');

    const zh = await fake.waitForCallback(fake.sendInteraction(fake.command('stop', {}, { member: player, locale: 'zh-CN' })));
    expect(zh.data.content).toContain('只有主持人可以这样做');

    const option = await fake.waitForAnswer(fake.sendInteraction(fake.command('play', { item: 'the-scream' }, { member: player })));
    expect(option.content).toContain('Only a host can set item');

    // Nothing moved.
    expect(fake.messages.get(roundMsg.id)!.history).toHaveLength(1);
    const round = (await app.game.roundInChannel(`discord:${fake.channelId}`))!;
    expect((await app.store.round(round.id))?.step).toBe(1);

    // The configured host role is enough.
    const quizmaster = fake.member({ name: 'Quinn', roles: [hostRole] });
    const ok = await fake.waitForAnswer(fake.sendInteraction(fake.command('skip', {}, { member: quizmaster })));
    expect(ok.content).toContain('Skipped');
    expect(fake.messages.get(roundMsg.id)!.attachments.map((a) => a.filename)).toEqual(['step-2.png']);
  });

  it('renders /leaderboard as a card image, with the text as fallback and names escaped', async () => {
    h = await startHarness();
    const { fake } = h;
    await startRound(fake);
    const winner = fake.member({ name: '<@123> _Zed_' });
    await fake.waitForAnswer(fake.sendInteraction(fake.command('guess', { answer: 'mona lisa' }, { member: winner })));

    const board = await fake.waitForAnswer(fake.sendInteraction(fake.command('leaderboard', { scope: 'server' })));
    expect(board.flags & EPHEMERAL).toBe(0);
    expect(board.attachments.map((a) => a.filename)).toEqual(['leaderboard.png']);
    const meta = await sharp(board.attachments[0]!.data).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(640);
    const embed = board.embeds[0];
    expect(embed.image.url).toBe('attachment://leaderboard.png');
    expect(embed.description).toContain('<\u200b@\u200b123> \\_Zed\\_: 6 pts');
    expect(board.allowed_mentions).toMatchObject({ parse: [] });
  });

  it('shows a display name with formatting as plain text in the recap and the leaderboard', async () => {
    h = await startHarness();
    const { fake } = h;
    const roundMsg = await startRound(fake);
    const name = '**bold** ~~strike~~ `code` @everyone';
    // Every markdown mark escaped, `@everyone` broken by a zero-width space: Discord shows the name as typed.
    const shown = '\\*\\*bold\\*\\* \\~\\~strike\\~\\~ \\`code\\` @\u200beveryone';
    const winner = fake.member({ name });
    await fake.waitForAnswer(fake.sendInteraction(fake.command('guess', { answer: 'mona lisa' }, { member: winner })));
    await fake.waitFor(() => fake.channelMessages().length === 2, 10_000, 'the recap');
    const recap = fake.channelMessages().find((m) => m.id !== roundMsg.id)!;
    const description: string = recap.embeds[0].description;
    expect(description).toContain(`${shown} knew it first`);
    expect(description).not.toContain(name);
    expect(recap.allowed_mentions).toMatchObject({ parse: [] });

    const board = await fake.waitForAnswer(fake.sendInteraction(fake.command('leaderboard', { scope: 'server' })));
    expect(board.embeds[0].description).toContain(`${shown}: 6 pts`);
    expect(board.allowed_mentions).toMatchObject({ parse: [] });
  });

  it('defers a command that is not ready quickly, then edits the answer in', async () => {
    const slow = slowCommand();
    h = await startHarness({ app: { commands: [...builtIn, slow.def] }, deferAfterMs: 50 });
    const { fake } = h;
    const i = fake.sendInteraction(fake.command('slow'));
    const cb = await fake.waitForCallback(i);
    expect(cb.type).toBe(5);
    expect(cb.data.flags ?? 0).toBe(0); // a public command defers publicly
    slow.release();
    const answer = await fake.waitForAnswer(i);
    expect(answer.embeds[0].title).toBe('Slow');
    expect(answer.embeds[0].description).toBe('finally **done**');
    expect(i.lateAttempts).toBe(0);
  });

  it('a private answer to a publicly deferred command replaces the placeholder with an ephemeral follow-up', async () => {
    const slow = slowCommand({ ephemeral: true });
    h = await startHarness({ app: { commands: [...builtIn, slow.def] }, deferAfterMs: 50 });
    const { fake } = h;
    const i = fake.sendInteraction(fake.command('slow'));
    const cb = await fake.waitForCallback(i);
    expect(cb.type).toBe(5);
    expect(cb.data.flags ?? 0).toBe(0);
    slow.release();
    const answer = await fake.waitForAnswer(i);
    expect(i.original!.deleted).toBe(true);
    expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(answer.embeds[0].title).toBe('Slow');
  });

  it('the fake enforces the deadline: a late first reply gets 10062, and the bot survives it', async () => {
    // A deadline already passed: every first reply is late, with no waiting in the test.
    h = await startHarness({ fake: { deadlineMs: -1 } });
    const { fake } = h;
    const i = fake.sendInteraction(fake.command('help'));
    await fake.waitFor(() => i.lateAttempts === 1, 10_000, 'the late reply');
    expect(i.callback).toBeUndefined();
    const late = fake.requestsMatching('POST', /^\/interactions\/\d+\/[^/]+\/callback$/).find((r) => r.path.includes(i.id))!;
    expect(late.status).toBe(404);
    // Still answering.
    fake.deadlineMs = 3000;
    const help = await fake.waitForAnswer(fake.sendInteraction(fake.command('help')));
    expect(help.embeds[0].title).toContain('Emergence');
  });

  it('answers autocomplete and routes other buttons to their command (`<command>:<value>`)', async () => {
    const topics = defineCommand({
      name: 'topics',
      description: { en: 'Test topics', zh: '测试主题' },
      options: [{ kind: 'string', name: 'topic', autocomplete: true, description: { en: 'Topic', zh: '主题' } }],
      async run({ caller }, opts) {
        return {
          text: `topic ${String(opts.topic)} for ${caller.locale}`,
          buttons: [{ id: 'topics:threshold', label: 'Threshold' }],
        };
      },
      async autocomplete(_ctx, option, partial) {
        return ['emergence', 'threshold', 'scale']
          .filter((x) => x.startsWith(partial))
          .map((x) => ({ value: x, label: `${option}: ${x}` }));
      },
    });
    h = await startHarness({ app: { commands: [...builtIn, topics] } });
    const { fake } = h;
    const ac = await fake.waitForCallback(fake.sendInteraction(fake.autocomplete('topics', 'topic', 'th')));
    expect(ac.type).toBe(8);
    expect(ac.data.choices).toEqual([{ name: 'topic: threshold', value: 'threshold' }]);

    const first = await fake.waitForAnswer(fake.sendInteraction(fake.command('topics', { topic: 'emergence' })));
    expect(first.content).toBe('topic emergence for en');
    expect(first.components[0].components[0]).toMatchObject({ custom_id: 'topics:threshold', label: 'Threshold' });

    const press = await fake.waitForAnswer(fake.sendInteraction(fake.button('topics:threshold', first, { locale: 'zh-CN' })));
    expect(press.content).toBe('topic threshold for zh');

    const unknown = await fake.waitForAnswer(fake.sendInteraction(fake.button('nope:1', first)));
    expect(unknown.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(unknown.content).toContain('Unknown command');
  });
});

describe('discord: message guesses (DISCORD_MESSAGE_GUESSES=true)', { timeout: E2E_TIMEOUT_MS }, () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('asks for the message intents, takes plain messages that could be answers as race guesses without answering them, and the recap names the winner', async () => {
    h = await startHarness({ env: { DISCORD_MESSAGE_GUESSES: 'true' } });
    const { fake, app } = h;
    const GUILD_MESSAGES = 1 << 9;
    const MESSAGE_CONTENT = 1 << 15;
    expect(fake.identifies[0]!.intents).toBe(1 | GUILD_MESSAGES | MESSAGE_CONTENT);

    await startRound(fake);
    const roundId = (await app.game.roundInChannel(`discord:${fake.channelId}`))!.id;
    const sam = fake.member({ name: 'Sam' });
    const before = fake.requests.length;
    const wrong = fake.userMessage('the scream', sam);
    fake.dispatch('MESSAGE_CREATE', wrong);
    await waitUntil(async () => (await app.store.guessesOfRound(roundId)).length === 1);
    // Chat that could not be an answer (a link) is not a guess, even if it holds the answer.
    const chat = fake.userMessage('mona lisa? https://example.com/mona', sam);
    fake.dispatch('MESSAGE_CREATE', chat);

    const winning = fake.userMessage('Mona Lisa!', sam);
    fake.dispatch('MESSAGE_CREATE', winning);
    await fake.waitFor(() => fake.channelMessages().length === 2, 10_000, 'the recap');
    expect(fake.channelMessages()[1]!.embeds[0].description).toContain('Sam knew it first');
    await fake.waitFor(() => fake.reactions.length === 1, 10_000, 'the reaction');
    // Every message handler has finished, the wrong guess's included: whatever it would send has been sent.
    await h.running.bot!.idle();

    const guesses = await app.store.guessesOfRound(roundId);
    expect(guesses.map((g) => [g.text_norm, g.verdict])).toEqual([
      ['scream', 'wrong'],
      ['mona lisa', 'correct'],
    ]);
    // Only the winning message got a ✅; the wrong guess and the chat got nothing.
    expect(fake.reactions).toEqual([{ channelId: fake.channelId, messageId: winning.id, emoji: '✅' }]);
    // All Discord heard after the guesses: the recap, the round message losing its button, the ✅. No reply.
    const roundMsg = fake.channelMessages()[0]!;
    const sent = fake.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(sent.sort()).toEqual(
      [
        `POST /channels/${fake.channelId}/messages`,
        `PATCH /channels/${fake.channelId}/messages/${roundMsg.id}`,
        `PUT /channels/${fake.channelId}/messages/${winning.id}/reactions/✅/@me`,
      ].sort(),
    );
  });

  it('fails fast, with the reason, when the Message Content intent is not enabled in the portal', async () => {
    await expect(
      startHarness({ env: { DISCORD_MESSAGE_GUESSES: 'true' }, fake: { disallowedIntents: 1 << 15 } }),
    ).rejects.toThrow(/Message Content Intent/);
  });

  it('does not take plain messages as guesses in an experiment (they would not be private)', async () => {
    h = await startHarness({ env: { DISCORD_MESSAGE_GUESSES: 'true' } });
    const { fake, app } = h;
    await startRound(fake, 'experiment');
    const roundId = (await app.game.roundInChannel(`discord:${fake.channelId}`))!.id;
    fake.dispatch('MESSAGE_CREATE', fake.userMessage('mona lisa', fake.member({ name: 'Sam' })));
    // Then a real /guess, which is handled after the message (one gateway, in order).
    const ann = fake.member({ name: 'Ann' });
    await fake.waitForAnswer(fake.sendInteraction(fake.command('guess', { answer: 'the kiss' }, { member: ann })));
    const guesses = await app.store.guessesOfRound(roundId);
    expect(guesses.map((g) => g.player_id)).toEqual([`discord:${ann.user.id}`]);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
