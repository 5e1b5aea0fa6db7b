/** The dispatcher on its own: the in-process rate limit on the fake clock, and the incident-id error boundary. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { defineCommand, type CommandDef } from '../../src/core/commands/define.ts';
import type { Services } from '../../src/core/commands/services.ts';
import { UserError } from '../../src/core/errors.ts';
import { plainText } from '../../src/core/reply.ts';
import { Dispatcher } from '../../src/runtime/dispatch.ts';
import { caller } from '../fakes/test-app.ts';
import { FakeClock } from '../fakes/fake-clock.ts';

const ping = defineCommand({ name: 'ping', description: { en: 'ping', zh: 'ping' }, options: [], run: async () => ({ text: 'pong' }) });
const boom = defineCommand({
  name: 'boom',
  description: { en: 'fails', zh: 'fails' },
  options: [],
  run: async () => {
    throw new Error('the disk caught fire');
  },
});
const refuse = defineCommand({
  name: 'refuse',
  description: { en: 'refuses', zh: 'refuses' },
  options: [],
  run: async () => {
    throw new UserError('no-round');
  },
});

function setup(commands: CommandDef[] = [ping, boom, refuse]) {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  const clock = new FakeClock();
  const d = new Dispatcher({ commands, services: {} as Services, log, clock, rate: { burst: 3, windowMs: 10_000 } });
  return { d, clock, lines };
}

const ann = caller('ann', { platform: 'discord', userId: 'discord:ann' });
const bob = caller('bob', { platform: 'slack', userId: 'slack:bob' });
const text = async (d: Dispatcher, who = ann, line = '/ping') => plainText((await d.runText(who, line))[0]!.text);

describe('Dispatcher: the rate limit', () => {
  it('allows a burst per user, refuses the next one clearly, and lets the user in again after the window', async () => {
    const { d, clock } = setup();
    for (let i = 0; i < 3; i++) expect(await text(d)).toBe('pong');
    expect(await text(d)).toBe('Slow down a little: too many messages too fast.');
    // Another user has a budget of their own.
    expect(await text(d, bob)).toBe('pong');
    await clock.advance(9_999);
    expect(await text(d)).toMatch(/^Slow down/);
    await clock.advance(1);
    expect(await text(d)).toBe('pong');
  });

  it('counts buttons and commands alike, and not the terminal’s local user', async () => {
    const { d } = setup();
    await d.runButton(ann, 'ping');
    await d.run(ann, 'ping', {});
    await d.runText(ann, '/ping');
    expect(plainText((await d.runButton(ann, 'ping'))[0]!.text)).toMatch(/^Slow down/);
    const local = caller('me');
    for (let i = 0; i < 20; i++) expect(await text(d, local)).toBe('pong');
  });
});

describe('Dispatcher: the error boundary', () => {
  it('answers a crash with an incident id, and logs the error under the same id', async () => {
    const { d, lines } = setup();
    const [reply] = await d.runText(ann, '/boom');
    expect(reply!.ephemeral).toBe(true);
    const incident = /\(incident ([0-9a-f]{8})\)/.exec(plainText(reply!.text))?.[1];
    expect(incident).toBeDefined();
    expect(plainText(reply!.text)).not.toContain('disk caught fire');
    const logged = lines.filter((l) => l.incident === incident);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, msg: 'command failed', user: 'discord:ann', err: { message: 'the disk caught fire' } });
  });

  it('gives each crash its own id', async () => {
    const { d, lines } = setup();
    await d.runText(ann, '/boom');
    await d.runText(bob, '/boom');
    const ids = lines.map((l) => l.incident);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('answers an expected refusal in the caller’s words, without logging an incident', async () => {
    const { d, lines } = setup();
    expect(await text(d, bob, '/refuse')).toBe('No round is running in this channel. Start one with `/emergence play`.');
    expect(lines.filter((l) => l.incident)).toEqual([]);
  });
});
