/** `npm run deploy:discord` against the fake Discord. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { deployCommands, formatDeploy } from '../../src/adapters/discord/deploy.ts';
import { FakeDiscord } from './fake-discord.ts';

describe('deploy:discord', () => {
  let fake: FakeDiscord;
  beforeEach(async () => {
    fake = await FakeDiscord.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('registers to one guild, prints what changed, and changes nothing the second time', async () => {
    const o = { token: fake.token, appId: fake.appId, guildId: fake.guild.id, apiBase: fake.apiBase };
    const first = await deployCommands(o);
    expect(first.added.sort()).toEqual(commands.map((c) => c.name).sort());
    expect(first.target).toBe(`server ${fake.guild.id}`);
    const stored = fake.commands.get(`guild:${fake.guild.id}`)!;
    expect(stored.map((c) => c.name).sort()).toEqual(commands.map((c) => c.name).sort());
    expect(stored.find((c) => c.name === 'skip').default_member_permissions).toBe('32');
    expect(formatDeploy(first)).toContain('+ play  (new)');

    const second = await deployCommands(o);
    expect(second.added).toEqual([]);
    expect(second.changed).toEqual([]);
    expect(second.unchanged).toHaveLength(commands.length);
    expect(formatDeploy(second)).toContain('Nothing to change.');
    expect(fake.requestsMatching('PUT', /commands$/)).toHaveLength(1);
    // Discord only returns localisations when asked.
    expect(fake.requestsMatching('GET', /commands$/).every((r) => r.query.get('with_localizations') === 'true')).toBe(true);
  });

  it('registers globally without a guild id, and a dry run changes nothing', async () => {
    const o = { token: fake.token, appId: fake.appId, apiBase: fake.apiBase };
    const dry = await deployCommands({ ...o, dryRun: true });
    expect(dry.target).toBe('global');
    expect(dry.added).toHaveLength(commands.length);
    expect(fake.commands.get('global')).toBeUndefined();
    await deployCommands(o);
    expect(fake.commands.get('global')).toHaveLength(commands.length);
    expect(fake.requestsMatching('PUT', /^\/applications\/\d+\/commands$/)).toHaveLength(1);
  });
});
