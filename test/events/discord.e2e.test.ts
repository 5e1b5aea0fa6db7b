/**
 * Hosted events on Discord: the real discord.js client against the fake Discord, a real app and database,
 * the fake clock. The Guild Scheduled Event is created (external, at the channel, start and estimated end),
 * set active and completed, or cancelled; without the permission the host gets a note and the event works;
 * Join and team buttons record the players; reminder DMs go out 10 minutes before the start, also after a
 * restart, and a player who refuses DMs is skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventPlayers, openEventOf } from '../../src/storage/events.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { ADMIN_PERMISSIONS, FakeDiscord, PERMISSIONS, snowflake, type FakeMessage } from '../discord/fake-discord.ts';
import { startHarness, type Harness } from '../discord/harness.ts';

const EPHEMERAL = 64;
const MIN = 60_000;
const STEP = 15_000;

describe('discord: hosted events on the platform', { timeout: 60_000 }, () => {
  let fake: FakeDiscord | undefined;
  const harnesses: Harness[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.stop();
    await fake?.close();
    fake = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function world(botPermissions?: bigint): Promise<{ h: Harness; fake: FakeDiscord }> {
    const guildId = snowflake();
    fake = await FakeDiscord.start({
      guilds: [{ id: guildId, channels: [{ id: snowflake(), name: 'game-night' }], botPermissions: botPermissions?.toString() }],
    });
    dir = mkdtempSync(join(tmpdir(), 'emergence-events-discord-'));
    const h = await startHarness({ fake, app: { dir, clock: new FakeClock() } });
    harnesses.push(h);
    fake.now = () => h.clock.now();
    return { h, fake };
  }

  const everything = (m: FakeMessage) => JSON.stringify({ content: m.content, embeds: m.embeds });
  const buttons = (m: FakeMessage): string[] =>
    m.components.flatMap((row: { components: { custom_id: string }[] }) => row.components.map((c) => c.custom_id));

  function ev(f: FakeDiscord, action: string, options: Record<string, string | number>, member: ReturnType<FakeDiscord['member']>) {
    return f.waitForAnswer(f.sendInteraction(f.subcommand('event', action, options, {}, { member })));
  }

  it('creates the scheduled event, records Join and team buttons, DMs the players (after a restart too), goes active, then completed', async () => {
    const { h, fake: f } = await world(PERMISSIONS.CreateEvents);
    const host = f.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
    const alice = f.member({ name: 'Alice' });
    const bob = f.member({ name: 'Bob' });
    const carol = f.member({ name: 'Carol' });
    f.dmRefused.add(carol.user.id);
    const t0 = h.clock.now();

    const ann = await ev(f, 'create', { name: 'Friday', rounds: 1, mode: 'race', start: 'in 30m', teams: 2, items: 'mona-lisa' }, host);
    expect(ann.flags & EPHEMERAL).toBe(0);
    expect(everything(ann)).toContain('Friday');
    expect(buttons(ann)).toEqual(['event:action=join', 'event:action=join&team=1', 'event:action=join&team=2']);
    // No note: the bot may create events.
    expect(f.interactions.size).toBe(1);

    const [se] = [...f.scheduledEvents.values()];
    expect(f.scheduledEvents.size).toBe(1);
    expect(se!.name).toBe('Friday');
    expect(se!.entity_type).toBe(3);
    expect(se!.entity_metadata?.location).toBe(`#game-night · https://discord.com/channels/${f.guild.id}/${f.channelId}`);
    expect(Date.parse(se!.scheduled_start_time)).toBe(t0 + 30 * MIN);
    // One round: six steps and the last window of 15 s, no break.
    expect(Date.parse(se!.scheduled_end_time!)).toBe(t0 + 30 * MIN + 7 * STEP);
    expect(se!.description).toBe('Deck Masterpieces · 1 round · race · 15 s per step');
    expect(se!.statuses).toEqual([1]);

    // Join buttons, pressed through the real client: Alice picks Blue, Bob gets the smaller team (Red).
    const pressed = async (id: string, member: typeof alice) => {
      const m = await f.waitForAnswer(f.sendInteraction(f.button(id, ann, { member })));
      expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
      return m.content;
    };
    expect(await pressed('event:action=join&team=2', alice)).toContain('team **Blue**');
    expect(await pressed('event:action=join', bob)).toContain('team **Red**');
    // A tie goes to the first team.
    expect(await pressed('event:action=join', carol)).toContain('team **Red**');
    const row = (await openEventOf(h.app.store.db, `discord:${f.channelId}`))!;
    expect(row.platform_ref).toBe(se!.id);
    const players = await eventPlayers(h.app.store.db, row.id);
    expect(players.map((p) => [p.player_id, p.team])).toEqual([
      [`discord:${alice.user.id}`, 2],
      [`discord:${bob.user.id}`, 1],
      [`discord:${carol.user.id}`, 1],
    ]);

    // A restart before the reminder: a new process on the same database and clock re-arms it.
    await h.running.stop();
    await h.app.close();
    harnesses.splice(harnesses.indexOf(h), 1);
    const h2 = await startHarness({ fake: f, app: { dir: dir!, clock: h.clock } });
    harnesses.push(h2);
    await h2.app.events.recover({ platform: 'discord' });

    await h2.clock.advance(19 * MIN);
    expect(f.directMessages(alice.user.id)).toHaveLength(0);
    await h2.clock.advance(1 * MIN);
    await f.waitFor(() => f.directMessages(alice.user.id).length === 1 && f.directMessages(bob.user.id).length === 1, 10_000, 'the reminder DMs');
    const dm = f.directMessages(alice.user.id)[0]!;
    expect(everything(dm)).toContain('Friday starts');
    expect(everything(dm)).toContain(`<t:${Math.floor((t0 + 30 * MIN) / 1000)}:R>`);
    expect(dm.allowed_mentions.parse).toEqual([]);
    // Carol does not take DMs: skipped, and nothing else suffers.
    expect(f.directMessages(carol.user.id)).toHaveLength(0);
    expect(f.requestsMatching('POST', /^\/channels\/\d+\/messages$/).filter((r) => r.status === 403)).toHaveLength(1);
    // Once only, whatever happens later.
    await h2.clock.advance(MIN);
    expect(f.directMessages(alice.user.id)).toHaveLength(1);

    // The start: the scheduled event goes active; the round runs; the end completes it.
    await h2.clock.advance(9 * MIN);
    await f.waitFor(() => se!.statuses.length === 2, 10_000, 'the scheduled event to go active');
    expect(se!.statuses).toEqual([1, 2]);
    await h2.clock.advance(7 * STEP);
    await f.waitFor(() => se!.statuses.length === 3, 20_000, 'the scheduled event to complete');
    expect(se!.statuses).toEqual([1, 2, 3]);
    expect(await openEventOf(h2.app.store.db, `discord:${f.channelId}`)).toBeUndefined();
  });

  it('cancelling: a scheduled entry is cancelled, one that went live ends', async () => {
    const { h, fake: f } = await world(PERMISSIONS.ManageEvents);
    const host = f.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });

    await ev(f, 'create', { name: 'Early', rounds: 1, start: 'in 2h' }, host);
    const first = [...f.scheduledEvents.values()][0]!;
    const cancelled = await ev(f, 'cancel', {}, host);
    expect(everything(cancelled)).toContain('Early was cancelled');
    await f.waitFor(() => first.statuses.length === 2, 10_000, 'the cancel');
    expect(first.statuses).toEqual([1, 4]);

    await ev(f, 'create', { name: 'Late', rounds: 2, start: 'in 1h' }, host);
    const second = [...f.scheduledEvents.values()].find((e) => e.name === 'Late')!;
    // The host starts it early: it goes live now (after the short pause to read the announcement).
    await ev(f, 'start', {}, host);
    await h.clock.advance(10_000);
    await f.waitFor(() => second.statuses.length === 2, 10_000, 'the scheduled event to go active');
    await ev(f, 'cancel', {}, host);
    await f.waitFor(() => second.statuses.length === 3, 10_000, 'the live entry to end');
    expect(second.statuses).toEqual([1, 2, 3]);
  });

  it('without Create Events: a one-line note for the host, no scheduled event, and the event works', async () => {
    const { h, fake: f } = await world();
    const host = f.member({ name: 'Host', permissions: ADMIN_PERMISSIONS });
    const alice = f.member({ name: 'Alice' });

    const p = f.sendInteraction(f.subcommand('event', 'create', { name: 'Quiet', rounds: 1, start: 'in 30m', items: 'mona-lisa' }, {}, { member: host }));
    const ann = await f.waitForAnswer(p);
    expect(ann.flags & EPHEMERAL).toBe(0);
    await f.waitFor(() => p.followups.length === 1, 10_000, 'the note');
    const note = p.followups[0]!;
    expect(note.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(note.content).toBe('Note: the bot lacks the Create Events permission here, so no Discord scheduled event was made. Everything else works.');
    expect(f.scheduledEvents.size).toBe(0);
    expect(f.requestsMatching('POST', /scheduled-events/)).toHaveLength(0);

    const joined = await f.waitForAnswer(f.sendInteraction(f.button('event:action=join', ann, { member: alice })));
    expect(joined.content).toContain('You joined Quiet');
    await h.clock.advance(20 * MIN);
    await f.waitFor(() => f.directMessages(alice.user.id).length === 1, 10_000, 'the reminder DM');
    await h.clock.advance(10 * MIN);
    await f.waitFor(() => f.channelMessages().some((m) => m.attachments.some((a) => a.filename.startsWith('step-'))), 10_000, 'the first round');
    expect(f.requestsMatching('PATCH', /scheduled-events/)).toHaveLength(0);
  });
});
