/** commands/ → Discord application command JSON. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { deployCommands } from '../../src/adapters/discord/deploy.ts';
import { buildCommands, commandJSON, diffCommands } from '../../src/adapters/discord/register.ts';
import { defineCommand, type CommandDef } from '../../src/core/commands/define.ts';
import { FakeDiscord } from './fake-discord.ts';

const json = buildCommands(commands);
const byName = new Map(json.map((c) => [c.name, c]));

describe('discord command registration', () => {
  it('registers every command defined in commands/, as the fake Discord receives them', async () => {
    // The definitions, file by file (not through the list the registration is built from).
    const dir = new URL('../../commands/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'list.ts');
    const defined: CommandDef[] = [];
    for (const f of files) defined.push(((await import(new URL(f, dir).href)) as { default: CommandDef }).default);
    const names = defined.map((d) => d.name).sort();
    expect(names).toContain('play');
    expect(names).toHaveLength(files.length);

    const fake = await FakeDiscord.start();
    try {
      await deployCommands({ token: fake.token, appId: fake.appId, apiBase: fake.apiBase });
      const [put] = fake.requestsMatching('PUT', /^\/applications\/\d+\/commands$/);
      const received = put!.body as { name: string; description: string }[];
      expect(received.map((c) => c.name).sort()).toEqual(names);
      // Each payload describes its own definition.
      for (const d of defined) {
        const description = received.find((c) => c.name === d.name)!.description;
        expect(d.description.en.startsWith(description.replace(/…$/, ''))).toBe(true);
      }
    } finally {
      await fake.close();
    }
  });

  it('localises descriptions for en-US, zh-CN and zh-TW (traditional characters)', () => {
    for (const c of json) {
      expect(Object.keys(c.description_localizations!).sort()).toEqual(['en-US', 'zh-CN', 'zh-TW']);
      expect(c.description.length).toBeLessThanOrEqual(100);
      for (const o of c.options ?? []) expect(Object.keys(o.description_localizations!).sort()).toEqual(['en-US', 'zh-CN', 'zh-TW']);
    }
    const play = byName.get('play')!;
    expect(play.description_localizations!['zh-CN']).toContain('开始一局');
    expect(play.description_localizations!['zh-TW']).toContain('開始一局');
    const board = byName.get('leaderboard')!;
    expect(board.description_localizations!['zh-TW']).toContain('排行榜');
  });

  it('limits host commands to Manage Server, and only them', () => {
    for (const c of json) {
      const def = commands.find((d) => d.name === c.name)!;
      expect(c.default_member_permissions).toBe(def.host ? '32' : null);
    }
    expect(byName.get('skip')!.default_member_permissions).toBe('32');
    expect(byName.get('stop')!.default_member_permissions).toBe('32');
    expect(byName.get('guess')!.default_member_permissions).toBeNull();
  });

  it('maps option kinds: choices with localised labels, integer bounds, required first, max length', () => {
    const play = byName.get('play')!;
    const mode = play.options!.find((o) => o.name === 'mode') as any;
    expect(mode.type).toBe(3);
    expect(mode.choices).toEqual([
      { name: 'race', name_localizations: { 'en-US': 'race', 'zh-CN': '竞速', 'zh-TW': '競速' }, value: 'race' },
      { name: 'experiment', name_localizations: { 'en-US': 'experiment', 'zh-CN': '实验', 'zh-TW': '實驗' }, value: 'experiment' },
    ]);
    const steps = play.options!.find((o) => o.name === 'step-seconds') as any;
    expect(steps).toMatchObject({ type: 4, min_value: 5, max_value: 120, required: false });
    const answer = byName.get('guess')!.options![0] as any;
    expect(answer).toMatchObject({ name: 'answer', type: 3, required: true, max_length: 300 });

    const def = defineCommand({
      name: 'x',
      description: { en: 'x', zh: '叉' },
      options: [
        { kind: 'string', name: 'later', description: { en: 'l', zh: 'l' } },
        { kind: 'string', name: 'topic', required: true, autocomplete: true, description: { en: 't', zh: 't' } },
      ],
      async run() {
        return { text: '' };
      },
    });
    const x = commandJSON(def);
    expect(x.options!.map((o) => o.name)).toEqual(['topic', 'later']);
    expect(x.options![0]).toMatchObject({ autocomplete: true });
    expect(x.contexts).toEqual([0]);
  });

  it('diffs against what Discord has, ignoring the fields Discord adds', () => {
    const registered = json.map((c) => ({ ...c, id: '1', application_id: '2', version: '3', dm_permission: true }));
    expect(diffCommands(registered, json)).toEqual({ added: [], changed: [], removed: [], unchanged: json.map((c) => c.name) });
    const changed = registered.filter((c) => c.name !== 'help').map((c) => (c.name === 'play' ? { ...c, description: 'old' } : c));
    const d = diffCommands([...changed, { name: 'gone', description: 'x' }], json);
    expect(d.added).toEqual(['help']);
    expect(d.changed).toEqual(['play']);
    expect(d.removed).toEqual(['gone']);
  });
});
