/**
 * `/deck` through the real discord.js client and the fake Discord: the picture is an ATTACHMENT option
 * (resolved.attachments), downloaded from the file server ATTACHMENT_HOSTS names, then played with
 * `/play deck:<id>`; a second guild can neither see nor play it, and a hostile file gets its own message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/views/i18n.ts';
import { ADMIN_PERMISSIONS, snowflake, type FakeDiscord, type FakeMessage } from '../discord/fake-discord.ts';
import { E2E_TIMEOUT_MS, expectPng512, startHarness, type Harness } from '../discord/harness.ts';
import { FileServer, goodPng, movingDiscGif, pngDeclaring } from './fixtures.ts';
import { decodePages } from '../../src/images/ladder.ts';
import { expectBlocks, gifFrames, naiveMeans } from '../images/motion-helpers.ts';

const EPHEMERAL = 64;

function said(m: FakeMessage): string {
  return [m.content, ...m.embeds.map((e) => `${e.title ?? ''}\n${e.description ?? ''}`)].join('\n');
}

describe('discord: /deck with an attached picture', { timeout: E2E_TIMEOUT_MS }, () => {
  let h: Harness;
  let files: FileServer;
  let fake: FakeDiscord;

  beforeAll(async () => {
    files = await FileServer.start();
    h = await startHarness({
      fake: { guilds: [1, 2].map(() => ({ id: snowflake(), channels: [{ id: snowflake(), name: 'general' }] })) },
      app: { attachmentHosts: files.host, downloadTimeoutMs: 8000 } });
    fake = h.fake;
  });
  afterAll(async () => {
    await h?.stop();
    await files?.close();
  });

  it('a host makes a deck, adds an attached picture, and plays it', async () => {
    const host = fake.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
    const created = await fake.waitForAnswer(fake.sendInteraction(fake.subcommand('deck', 'create', { id: 'town', name: 'Our town' }, {}, { member: host })));
    expect(said(created)).toContain('town');
    expect(created.flags & EPHEMERAL).toBe(EPHEMERAL);

    const png = await goodPng(640, 480, 30);
    files.serve('/attachments/1/2/bridge.png', png);
    const picture = { url: files.url('/attachments/1/2/bridge.png'), filename: 'bridge.png', size: png.byteLength, content_type: 'image/png', width: 640, height: 480 };
    const added = await fake.waitForAnswer(
      fake.sendInteraction(fake.subcommand('deck', 'add', { deck: 'town', answer: 'Old bridge', 'answer-zh': '老桥' }, { picture }, { member: host })),
    );
    expect(said(added)).toContain('old-bridge');

    // A hostile file: the platform says 9000×9000, refused before any download.
    const bomb = pngDeclaring(9000);
    files.serve('/attachments/1/3/big.png', bomb);
    const refused = await fake.waitForAnswer(
      fake.sendInteraction(
        fake.subcommand('deck', 'add', { deck: 'town', answer: 'Big' }, { picture: { url: files.url('/attachments/1/3/big.png'), filename: 'big.png', size: bomb.byteLength, content_type: 'image/png', width: 9000, height: 9000 } }, { member: host }),
      ),
    );
    expect(said(refused)).toContain(t({ locale: 'en', platform: 'discord' }, 'errors.upload-dimensions', { max: 8192 }));

    // Anyone may play it in this guild.
    const player = fake.member({ name: 'Player' });
    const play = fake.sendInteraction(fake.command('play', { deck: 'town' }, { member: player }));
    await fake.waitForAnswer(play);
    await fake.waitFor(() => fake.channelMessages().some((m) => m.attachments.length > 0), 10_000, 'the round message');
    const round = fake.channelMessages().find((m) => m.attachments.length > 0)!;
    await expectPng512(Buffer.from(round.attachments[0]!.data));
    const row = await h.app.store.db.selectFrom('rounds').selectAll().where('status', '=', 'running').executeTakeFirstOrThrow();
    expect(row.deck_id).toMatch(/^server:/);
    const stop = fake.sendInteraction(fake.command('stop', {}, { member: host }));
    await fake.waitForAnswer(stop);
  });

  it('in a second guild the deck is neither listed nor playable', async () => {
    const other = fake.guilds[1]!;
    const channelId = other.channels[0]!.id;
    const host2 = fake.member({ name: 'Host2', permissions: ADMIN_PERMISSIONS });
    const list = await fake.waitForAnswer(fake.sendInteraction(fake.subcommand('deck', 'list', {}, {}, { member: host2, channelId })));
    expect(said(list)).toContain(t({ locale: 'en', platform: 'discord' }, 'deck.list-empty').slice(0, 30));
    const play = await fake.waitForAnswer(fake.sendInteraction(fake.command('play', { deck: 'town' }, { member: host2, channelId })));
    expect(said(play)).toContain('town');
    expect(fake.channelMessages(channelId)).toEqual([]);
  });

  it('a motion item (an animated upload) plays as an animated GIF per step, asking what is happening', async () => {
    const host = fake.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
    await fake.waitForAnswer(fake.sendInteraction(fake.subcommand('deck', 'create', { id: 'moves', name: 'Moves' }, {}, { member: host })));
    const gif = await movingDiscGif(4, 64);
    files.serve('/attachments/1/4/disc.gif', gif);
    const picture = { url: files.url('/attachments/1/4/disc.gif'), filename: 'disc.gif', size: gif.byteLength, content_type: 'image/gif', width: 64, height: 64 };
    const added = await fake.waitForAnswer(
      fake.sendInteraction(fake.subcommand('deck', 'add', { deck: 'moves', answer: 'rolling disc', motion: 'true' }, { picture }, { member: host })),
    );
    expect(said(added)).toContain('rolling-disc');

    const before = fake.channelMessages().length;
    const play = fake.sendInteraction(fake.command('play', { deck: 'moves', mode: 'experiment' }, { member: host }));
    await fake.waitForAnswer(play);
    await fake.waitFor(() => fake.channelMessages().slice(before).some((m) => m.attachments.length > 0), 10_000, 'the motion round message');
    const round = fake.channelMessages().slice(before).find((m) => m.attachments.length > 0)!;
    expect(said(round)).toContain('What is happening? Step 1/6');
    expect(said(round)).toContain('4 frames of 2×2');
    const att = round.attachments[0]!;
    expect(att.filename).toBe('step-1.gif');
    const decoded = await gifFrames(Buffer.from(att.data));
    expect(decoded.width).toBe(512);
    expect(decoded.frames).toHaveLength(4);
    // Each frame holds the exact 2×2 means of the stored frame (the normalised copy in the database).
    const stored = await h.app.store.db.selectFrom('server_deck_items').select('image').where('item_id', '=', 'rolling-disc').executeTakeFirstOrThrow();
    const pages = await decodePages(new Uint8Array(stored.image));
    expect(pages).toHaveLength(4);
    decoded.frames.forEach((f, k) => expectBlocks(f, 512, 2, naiveMeans(pages[k]!, 2), `frame ${k + 1}`));
    await fake.waitForAnswer(fake.sendInteraction(fake.command('stop', {}, { member: host })));
  });
});
