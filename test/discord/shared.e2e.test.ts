/**
 * The shared adapter behaviours (test/adapters/shared-suite.ts), on Discord: the real
 * discord.js client (started by `startDiscord`) against the fake Discord.
 *
 * Commands are slash-command interactions whose options are the text arguments parsed
 * as Discord's command form would carry them; public texts are the bot's channel
 * messages and its non-ephemeral interaction replies (every version), private texts a
 * player's ephemeral interaction replies and follow-ups (every version).
 */
import { adapterSuite, type AdapterDriver, type Player } from '../adapters/shared-suite.ts';
import { parseArgs } from '../../src/core/commands/parse.ts';
import { ADMIN_PERMISSIONS, MEMBER_PERMISSIONS, type FakeMessage } from './fake-discord.ts';
import { startHarness } from './harness.ts';

const EPHEMERAL = 64;
const ZWSP = '\u200b';

const IDS: Record<Player, string> = {
  host: '100000000000000001',
  alice: '100000000000000002',
  bob: '100000000000000003',
  evil: '100000000000000004',
};
/** Display names (global names) as players chose them; evil's is hostile. */
const NAMES: Record<Player, string> = {
  host: 'Hostess',
  alice: 'Alice',
  bob: 'Bob',
  evil: '@everyone <@100000000000000001> **boss** @here',
};
/** The names as they must show once neutralised: markdown escaped, every `@` and `<` broken by a zero-width space. */
const RENDERED: Record<Player, string> = {
  host: 'Hostess',
  alice: 'Alice',
  bob: 'Bob',
  evil: `@${ZWSP}everyone <${ZWSP}@${ZWSP}100000000000000001> \\*\\*boss\\*\\* @${ZWSP}here`,
};

type Version = FakeMessage['history'][number];

/** The text a message version shows: its content and every text part of its embeds. */
function versionText(v: Version): string {
  const parts: string[] = [];
  if (v.content) parts.push(v.content);
  for (const e of v.embeds ?? []) {
    if (e.author?.name) parts.push(e.author.name);
    if (e.title) parts.push(e.title);
    if (e.description) parts.push(e.description);
    for (const f of e.fields ?? []) parts.push(f.name, f.value);
    if (e.footer?.text) parts.push(e.footer.text);
  }
  return parts.filter((p) => p && p !== ZWSP).join('\n');
}

const allVersionTexts = (m: FakeMessage): string[] => m.history.map(versionText).filter((s) => s.trim() !== '');

/**
 * What would ping on Discord if the text were sent with mentions allowed: `@everyone`,
 * `@here`, and user / role mentions (`<@id>`, `<@!id>`, `<@&id>`). A zero-width space
 * anywhere inside breaks them; anything else that still parses counts.
 */
function hasLiveMention(text: string): boolean {
  return /@(everyone|here)/.test(text) || /<@[!&]?\d+>/.test(text);
}

async function discordDriver(): Promise<AdapterDriver> {
  const h = await startHarness();
  const { fake, app } = h;
  const bot = h.running.bot!;
  const members: Record<Player, ReturnType<typeof fake.member>> = {
    host: fake.member({ id: IDS.host, name: NAMES.host, permissions: ADMIN_PERMISSIONS }),
    alice: fake.member({ id: IDS.alice, name: NAMES.alice, permissions: MEMBER_PERMISSIONS }),
    bob: fake.member({ id: IDS.bob, name: NAMES.bob, permissions: MEMBER_PERMISSIONS }),
    evil: fake.member({ id: IDS.evil, name: NAMES.evil, permissions: MEMBER_PERMISSIONS }),
  };

  /** A slash command as Discord delivers it: options by name, typed in the client's form. */
  async function slash(p: Player, name: string, args = ''): Promise<void> {
    const def = app.dispatcher.command(name);
    // An unregistered command carries no options on Discord.
    const options = def ? parseArgs(def, args) : {};
    const i = fake.sendInteraction(fake.command(name, options, { member: members[p] }));
    // The interaction is acknowledged, so its handler is running; once every handler is done, everything
    // it sends (edits, follow-ups, the round's posts and recap) has reached the fake.
    await fake.waitForCallback(i);
    await bot.idle();
  }

  const interactionMessages = () =>
    [...fake.interactions.values()].flatMap((i) =>
      [i.original, ...i.followups].filter((m): m is FakeMessage => Boolean(m)).map((m) => ({ i, m })),
    );

  return {
    app,
    clock: h.clock,
    channelId: `discord:${fake.channelId}`,
    command: (p, name, args) => slash(p, name, args),
    guess: (p, text) => slash(p, 'guess', text),
    publicTexts: () => [
      ...fake.channelMessages().flatMap(allVersionTexts),
      ...interactionMessages()
        .filter(({ i, m }) => i.payload.channel_id === fake.channelId && !(m.flags & EPHEMERAL))
        .flatMap(({ m }) => allVersionTexts(m)),
    ],
    privateTexts: (p) =>
      interactionMessages()
        .filter(({ i, m }) => i.payload.member?.user?.id === IDS[p] && m.flags & EPHEMERAL)
        .flatMap(({ m }) => allVersionTexts(m)),
    recaps: () =>
      fake
        .channelMessages()
        .filter((m) => /^It was/.test(m.history[0]?.embeds?.[0]?.title ?? ''))
        .map((m) => allVersionTexts(m).join('\n')),
    hasLiveMention,
    renderedName: (p) => RENDERED[p],
    close: () => h.stop(),
  };
}

adapterSuite('discord', discordDriver);
