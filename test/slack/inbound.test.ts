import { describe, expect, it } from 'vitest';
import { UserDirectory, makeCaller, parseButtonId, parseHostUsers, slackToPlain, slashLine } from '../../src/adapters/slack/inbound.ts';
import { scrubSecrets } from '../../src/adapters/slack/bolt-logger.ts';

describe('Slack inbound', () => {
  it('turns Slack-encoded text back into what the user typed', () => {
    expect(slackToPlain('mona &lt;lisa&gt; &amp; co')).toBe('mona <lisa> & co');
    expect(slackToPlain('hi <@U123|ann> in <#C1|general>')).toBe('hi @ann in #general');
    expect(slackToPlain('<@U123> <!here> <!subteam^S1|@devs>')).toBe('@U123 @here @@devs');
    expect(slackToPlain('see <https://example.org|the site> or <https://x.org>')).toBe('see the site or https://x.org');
  });

  it('maps /emergence subcommands onto the shared text form', () => {
    expect(slashLine('/emergence', 'play deck:masterpieces item:mona-lisa mode:race')).toEqual({
      name: 'play',
      line: '/play deck:masterpieces item:mona-lisa mode:race',
    });
    expect(slashLine('/emergence', '  GUESS  mona lisa ')).toEqual({ name: 'guess', line: '/guess mona lisa' });
    expect(slashLine('/emergence', '')).toEqual({ name: 'help', line: '/help' });
    expect(slashLine('/emergence', '/stop')).toEqual({ name: 'stop', line: '/stop' });
    expect(slashLine('/explain', 'what is emergence?')).toEqual({ name: 'explain', line: '/explain what is emergence?' });
    expect(slashLine('/explain', '')).toEqual({ name: 'explain', line: '/explain' });
    expect(slashLine('/emergence', 'guess &lt;b&gt;')).toEqual({ name: 'guess', line: '/guess <b>' });
  });

  it('reads button ids', () => {
    expect(parseButtonId('guess:abc-123')).toEqual({ kind: 'guess', value: 'abc-123' });
    expect(parseButtonId('explain:a:b')).toEqual({ kind: 'explain', value: 'a:b' });
    expect(parseButtonId('help')).toEqual({ kind: 'help', value: '' });
  });

  it('knows hosts, names and locales from users.info, cached for a while', async () => {
    let now = 0;
    const calls: string[] = [];
    const info: Record<string, object> = {
      UA: { name: 'ann', locale: 'zh-CN', is_admin: true, profile: { display_name: 'Ann' } },
      UO: { name: 'olga', locale: 'en-US', is_owner: true },
      UP: { name: 'pat', real_name: 'Pat P', locale: 'zh-TW' },
      UL: { name: 'lee', locale: 'en-GB' },
    };
    const dir = new UserDirectory({
      usersInfo: async ({ user, include_locale }) => {
        calls.push(`${user}:${include_locale}`);
        if (user === 'UX') throw Object.assign(new Error('An API error occurred: missing_scope'), { data: { error: 'missing_scope' } });
        return { ok: true, user: info[user] };
      },
      hostUsers: parseHostUsers(' UL, UZ '),
      ttlMs: 1000,
      now: () => now,
    });
    expect(await dir.get('UA')).toEqual({ name: 'Ann', locale: 'zh', isHost: true });
    expect(await dir.get('UO')).toEqual({ name: 'olga', locale: 'en', isHost: true });
    expect(await dir.get('UP')).toEqual({ name: 'Pat P', locale: 'zh', isHost: false });
    expect(await dir.get('UL')).toEqual({ name: 'lee', locale: 'en', isHost: true });
    expect(await dir.get('UX', 'xavier')).toEqual({ name: 'xavier', locale: 'en', isHost: false });
    await dir.get('UA');
    expect(calls.filter((c) => c.startsWith('UA'))).toEqual(['UA:true']);
    now = 1001;
    await dir.get('UA');
    expect(calls.filter((c) => c.startsWith('UA'))).toHaveLength(2);
    expect(makeCaller('T1', 'C1', 'UA', await dir.get('UA'))).toEqual({
      platform: 'slack',
      userId: 'slack:UA',
      userName: 'Ann',
      locale: 'zh',
      isHost: true,
      channelId: 'slack:C1',
      scopeId: 'slack:T1',
    });
  });

  it('scrubs tokens and signatures from SDK log lines', () => {
    expect(scrubSecrets('Bearer xoxb-123-456-abc and xapp-1-A1-2-ff')).toBe('Bearer [redacted] and [redacted]');
    expect(scrubSecrets('{"token":"abcdef","x":1} token=zzz&y=2')).toBe('{"token":"[redacted]","x":1} token=[redacted]&y=2');
    expect(scrubSecrets('x-slack-signature: v0=0123456789abcdef0123')).toBe('x-slack-signature: [redacted]');
  });
});
