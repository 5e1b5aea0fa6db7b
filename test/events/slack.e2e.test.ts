/**
 * Hosted events on Slack: the real Bolt App (Socket Mode) against the fake Slack, a real app and database,
 * the fake clock. The announcement has the Join and team buttons, and pressing them records the players;
 * the channel reminder is scheduled with chat.scheduleMessage 10 minutes before the start and deleted on
 * cancel; joined players get a DM then, and one who cannot be reached is skipped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eventPlayers, openEventOf } from '../../src/storage/events.ts';
import { CHANNEL, makeWorld, waitFor, type World } from '../slack/harness.ts';
import { buttons, ephemeralText, versionText } from '../slack/inspect.ts';

const MIN = 60_000;

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('Slack: hosted events on the platform', () => {
  it('the Join and team buttons record players; the channel reminder is scheduled; players get a DM 10 minutes before', { timeout: 60_000 }, async () => {
    w = await makeWorld('socket', { users: [{ id: 'UCAROL', name: 'carol', display_name: 'Carol', locale: 'en-US' }] });
    const { slack, t } = w;
    slack.now = () => t.clock.now();
    const t0 = t.clock.now();

    await w.slash('UHOST', 'event create name:Friday rounds:1 start:30m teams:2 items:mona-lisa');
    const [ann] = slack.channelMessages(CHANNEL);
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
    expect(versionText(ann!)).toContain('Friday');
    expect(versionText(ann!)).toContain(`<!date^${Math.floor((t0 + 30 * MIN) / 1000)}^`);
    expect(buttons(ann).map((b) => b.action_id)).toEqual(['event:action=join', 'event:action=join&team=1', 'event:action=join&team=2']);

    // The channel reminder, on Slack's side: 10 minutes before the start.
    expect(slack.callsTo('chat.scheduleMessage')).toHaveLength(1);
    const [sm] = slack.scheduled;
    expect(sm!.channel).toBe(CHANNEL);
    expect(sm!.post_at).toBe(Math.floor((t0 + 20 * MIN) / 1000));
    expect(versionText(sm!)).toContain('Friday starts');
    const row = (await openEventOf(t.app.store.db, `slack:${CHANNEL}`))!;
    expect(row.platform_ref).toBe(sm!.id);

    // The buttons, pressed through Bolt.
    const press = async (user: string, id: string) => {
      await w!.button(user, id, ann!.ts);
      return ephemeralText(slack.ephemerals.filter((e) => e.user === user).at(-1)!);
    };
    expect(await press('UALICE', 'event:action=join&team=2')).toContain('team *Blue*');
    expect(await press('UBOB', 'event:action=join')).toContain('team *Red*');
    expect(await press('UCAROL', 'event:action=join')).toContain('team *Red*');
    expect((await eventPlayers(t.app.store.db, row.id)).map((p) => [p.player_id, p.team])).toEqual([
      ['slack:UALICE', 2],
      ['slack:UBOB', 1],
      ['slack:UCAROL', 1],
    ]);

    // Carol's account is gone by then: her DM fails, the others' do not.
    slack.users.delete('UCAROL');
    await t.clock.advance(19 * MIN);
    expect(slack.channelMessages('UALICE')).toHaveLength(0);
    await t.clock.advance(MIN);
    await waitFor(() => slack.channelMessages('UALICE').length === 1 && slack.channelMessages('UBOB').length === 1, 'the reminder DMs');
    const dm = versionText(slack.channelMessages('UALICE')[0]!);
    expect(dm).toContain('Friday starts');
    expect(dm).toContain(`<!date^${Math.floor((t0 + 30 * MIN) / 1000)}^`);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'UCAROL')).toHaveLength(1);
    expect(slack.channelMessages('UCAROL')).toHaveLength(0);
    // Slack posts the scheduled channel reminder itself.
    expect(slack.deliverDue().map((x) => x.id)).toEqual([sm!.id]);
    expect(versionText(slack.channelMessages(CHANNEL).at(-1)!)).toContain('Friday starts');

    // The event starts on time and its first round is posted.
    await t.clock.advance(10 * MIN);
    await waitFor(() => slack.channelMessages(CHANNEL).length === 3, 'the first round');
    expect(slack.problems).toEqual([]);
  });

  it('cancelling deletes the scheduled reminder; a start too close for a reminder schedules none', { timeout: 60_000 }, async () => {
    w = await makeWorld('socket');
    const { slack, t } = w;
    slack.now = () => t.clock.now();

    await w.slash('UHOST', 'event create name:Later rounds:1 start:2h');
    const [sm] = slack.scheduled;
    expect(sm!.post_at).toBe(Math.floor((t.clock.now() + 110 * MIN) / 1000));
    await w.slash('UHOST', 'event cancel');
    const deletes = slack.callsTo('chat.deleteScheduledMessage');
    expect(deletes.map((c) => [c.params.channel, c.params.scheduled_message_id])).toEqual([[CHANNEL, sm!.id]]);
    expect(sm!.deleted).toBe(true);
    await t.clock.advance(2 * 60 * MIN);
    expect(slack.deliverDue()).toEqual([]);

    await w.slash('UHOST', 'event create name:Soon rounds:1 start:5m');
    expect(slack.callsTo('chat.scheduleMessage')).toHaveLength(1);
    expect(await openEventOf(t.app.store.db, `slack:${CHANNEL}`)).toBeDefined();
    expect(slack.problems).toEqual([]);
  });
});
