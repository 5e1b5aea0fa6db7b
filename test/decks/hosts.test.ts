/**
 * What reaches a server's hosts, and what each server sees:
 *   - `/decks` and the unknown-deck message name the caller's own server decks, and no other server's;
 *   - `/deck report` posts a notice in the server's report channel (set with `/deck report-channel`), through
 *     the real Bolt App and the fake Slack, and its button removes the picture.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { plainText } from '../../src/core/reply.ts';
import { caller, makeTestApp, type TestApp } from '../fakes/test-app.ts';
import { makeWorld, type World } from '../slack/harness.ts';
import { buttons, ephemeralText, versionText } from '../slack/inspect.ts';
import { goodPng } from './fixtures.ts';

let t: TestApp | undefined;
let w: World | undefined;
afterEach(async () => {
  await t?.cleanup();
  await w?.close();
  t = undefined;
  w = undefined;
});

const text = (replies: { title?: string; text: string }[]) => replies.map((r) => plainText(`${r.title ?? ''}\n${r.text}`)).join('\n');

describe('server decks in the lists', () => {
  it('/decks and the unknown-deck message name this server’s decks only', async () => {
    t = await makeTestApp();
    const annA = caller('ann', { isHost: true, scopeId: 'terminal:server-a', channelId: 'terminal:a1' });
    const bobB = caller('bob', { isHost: true, scopeId: 'terminal:server-b', channelId: 'terminal:b1' });
    await t.app.dispatcher.runText(annA, '/deck create id:our-town name:"Our town"');
    await t.app.dispatcher.runText(bobB, '/deck create id:bees name:Bees');

    const inA = text(await t.app.dispatcher.runText(annA, '/decks'));
    expect(inA).toContain('masterpieces');
    expect(inA).toContain('This server’s own decks');
    expect(inA).toContain('our-town');
    expect(inA).not.toContain('bees');
    const inB = text(await t.app.dispatcher.runText(bobB, '/decks'));
    expect(inB).toContain('bees');
    expect(inB).not.toContain('our-town');
    const elsewhere = text(await t.app.dispatcher.runText(caller('cy', { scopeId: 'terminal:server-c' }), '/decks'));
    expect(elsewhere).not.toContain('This server’s own decks');

    const unknownA = text(await t.app.dispatcher.runText(annA, '/play deck:nope'));
    expect(unknownA).toContain('There is no deck called nope');
    expect(unknownA).toContain('our-town');
    expect(unknownA).not.toContain('bees');
    const unknownB = text(await t.app.dispatcher.runText(bobB, '/play deck:nope'));
    expect(unknownB).toContain('bees');
    expect(unknownB).not.toContain('our-town');
  });
});

describe('reports reach the hosts', { timeout: 90_000 }, () => {
  it('a report is posted in the report channel with a button that removes the picture', async () => {
    w = await makeWorld('socket', { attachmentHosts: 'self' });
    const { slack } = w;
    const lastTo = (user: string) => ephemeralText(slack.ephemerals.filter((e) => e.user === user).at(-1)!);

    // Before a report channel is set, a report is only stored: the reporter is told the hosts will see it.
    await w.slash('UHOST', 'deck create id:pets name:Pets');
    await w.slash('UHOST', 'deck add deck:pets');
    const view = slack.views.at(-1)!.view;
    const file = slack.shareUserFile('tabby.png', 'image/png', await goodPng(300, 300, 40), { width: 300, height: 300 });
    await w.submitValues('UHOST', view, {
      deck_file: { file: { type: 'file_input', files: [{ id: file }] } },
      deck: { value: { type: 'plain_text_input', value: 'pets' } },
      answer: { value: { type: 'plain_text_input', value: 'Tabby' } },
    });
    expect(lastTo('UHOST')).toContain('tabby');

    await w.slash('UHOST', 'deck report-channel', '/emergence', 'C0HOSTS');
    expect(lastTo('UHOST')).toContain('will be posted in this channel');
    // Not a host: refused.
    await w.slash('UBOB', 'deck report-channel', '/emergence', 'C0OTHER');
    expect(lastTo('UBOB')).not.toContain('will be posted');

    await w.slash('UHOST', 'play deck:pets mode:experiment');
    await w.slash('UBOB', 'deck report');
    expect(lastTo('UBOB')).toContain('The server’s hosts have been told');

    const notices = slack.channelMessages('C0HOSTS').filter((m) => m.kind === 'message');
    expect(notices).toHaveLength(1);
    const said = versionText(notices[0]!.versions[0]!);
    expect(said).toContain('A picture was reported');
    expect(said).toContain('pets/tabby');
    expect(said).toContain('Bob reported');
    const remove = buttons(notices[0]!.versions[0]!);
    expect(remove).toEqual([{ action_id: 'deck:action=remove&deck=pets&item=tabby', text: 'Remove tabby' }]);

    // The same player reporting again does not post again.
    await w.slash('UBOB', 'deck report');
    expect(slack.channelMessages('C0HOSTS').filter((m) => m.kind === 'message')).toHaveLength(1);

    // A host removes the picture from the notice itself.
    await w.slash('UHOST', 'stop');
    await w.button('UHOST', remove[0]!.action_id, notices[0]!.ts, 'C0HOSTS');
    expect(await w.t.app.store.db.selectFrom('server_deck_items').select('item_id').execute()).toEqual([]);
    const open = await w.t.app.store.db.selectFrom('deck_reports').select('status').execute();
    expect(open.map((r) => r.status)).toEqual(['removed']);

    // Run again in the same channel: reports stop being posted there.
    await w.slash('UHOST', 'deck report-channel', '/emergence', 'C0HOSTS');
    expect(lastTo('UHOST')).toContain('no longer posted');
    expect(slack.problems).toEqual([]);
  });
});
