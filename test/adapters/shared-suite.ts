/**
 * Behaviours every chat adapter must share, checked through a small driver that each
 * platform's tests implement on top of its own fake server and the real client library.
 *
 *   import { adapterSuite } from '../adapters/shared-suite.ts';
 *   adapterSuite('slack (socket)', () => makeMyDriver());
 *
 * The suite asserts outcomes only (what players would see, what the database holds);
 * the driver translates: who the players are, how a command is typed, what the
 * platform's rendered text looks like, and what a live mention is on that platform.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import type { FakeClock } from '../fakes/fake-clock.ts';
import { runningRound } from '../fakes/test-app.ts';

/** Players every driver provides. `evil`'s display name is `<!channel> & @everyone <@…>`-like: hostile text. */
export type Player = 'host' | 'alice' | 'bob' | 'evil';

export interface AdapterDriver {
  app: App;
  clock: FakeClock;
  /** The namespaced channel id the game is played in (`slack:C…`, `discord:…`). */
  channelId: string;
  /** Runs a command as a player, in the platform's own form (`/emergence stop`, a `/stop` interaction …). */
  command(player: Player, name: string, args?: string): Promise<void>;
  /** A guess through the platform's guess command. */
  guess(player: Player, text: string): Promise<void>;
  /** Every public text the bot has shown in the game channel, rendered as the platform got it (edits included). */
  publicTexts(): string[];
  /** Every text only `player` could see (ephemeral messages and the like), rendered. */
  privateTexts(player: Player): string[];
  /** The recap messages (one per round ended), rendered. */
  recaps(): string[];
  /** True if this rendered text would notify people on this platform (@everyone, @here, a user mention …). */
  hasLiveMention(text: string): boolean;
  /** How `player`'s display name appears once neutralised (a substring of rendered text). */
  renderedName(player: Player): string;
  close(): Promise<void>;
}

export function adapterSuite(name: string, make: () => Promise<AdapterDriver>): void {
  describe(`shared adapter behaviours: ${name}`, () => {
    let d: AdapterDriver;
    beforeEach(async () => {
      d = await make();
    });
    afterEach(async () => {
      await d.close();
    });

    it('a race round ends with exactly one recap naming the winner', async () => {
      await d.command('host', 'play', 'deck:masterpieces item:mona-lisa mode:race');
      expect((await runningRound(d.app, d.channelId))?.config.mode).toBe('race');
      await d.guess('bob', 'sunflowers');
      await d.clock.advance(15_000);
      await d.guess('alice', 'mona lisa');
      expect(await runningRound(d.app, d.channelId)).toBeUndefined();
      const recaps = d.recaps();
      expect(recaps).toHaveLength(1);
      expect(recaps[0]).toContain('Mona Lisa');
      expect(recaps[0]).toContain(d.renderedName('alice'));
      expect(recaps[0]).not.toContain(d.renderedName('bob'));
      const top = await d.app.store.leaderboard('channel', d.channelId, 5);
      expect(top[0]).toMatchObject({ points: 5, wins: 1 });
    });

    it('hostile user text never becomes a live mention', async () => {
      await d.command('host', 'play', 'deck:masterpieces item:the-kiss mode:race');
      await d.guess('evil', 'the kiss');
      const texts = [...d.publicTexts(), ...d.privateTexts('evil')];
      expect(texts.length).toBeGreaterThan(2);
      const recap = d.recaps().at(-1) ?? '';
      expect(recap).toContain(d.renderedName('evil'));
      for (const text of texts) expect(d.hasLiveMention(text), text).toBe(false);
    });

    it('a host command from a non-host is refused privately, and the round goes on', async () => {
      await d.command('host', 'play', 'deck:masterpieces item:starry-night mode:race');
      const publicBefore = d.publicTexts().length;
      await d.command('alice', 'stop');
      expect((await runningRound(d.app, d.channelId))?.status).toBe('running');
      expect(d.privateTexts('alice').join('\n')).toMatch(/host/i);
      expect(d.publicTexts()).toHaveLength(publicBefore);
      await d.command('host', 'stop');
      expect(await runningRound(d.app, d.channelId)).toBeUndefined();
      expect(d.recaps()).toHaveLength(1);
    });

    it('an unknown command gets a clear private answer and nothing public', async () => {
      await d.command('alice', 'dance', 'wildly');
      expect(d.privateTexts('alice').join('\n')).toMatch(/dance/);
      expect(d.publicTexts()).toEqual([]);
    });
  });
}
