/** loadConfig: defaults, every value checked, the settings that only make sense together, and a readable list. */
import { describe, expect, it } from 'vitest';
import { ConfigError, adaptersFor, loadConfig } from '../../src/config/config.ts';

/** The message loadConfig throws for an environment (it must throw). */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

/** The variables a refusal names, in order (`→ at NAME` lines). */
const named = (message: string) => [...message.matchAll(/→ at (\w+)/g)].map((m) => m[1]);

describe('loadConfig', () => {
  it('has a default for everything, and plays in the terminal with no tokens', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      LOG_LEVEL: 'info',
      DATABASE_PATH: './data/emergence.db',
      DEFAULT_DECK: 'masterpieces',
      STEP_SECONDS: 15,
      DISPLAY_SIZE: 512,
      TERMINAL: false,
      TERMINAL_OUT_DIR: './out',
      SLACK_MODE: 'socket',
      PORT: 3000,
    });
    expect(adaptersFor(c)).toEqual(['terminal']);
    expect('NODE_ENV' in c).toBe(false);
  });

  it('reads numbers, booleans and blanks', () => {
    const c = loadConfig({ STEP_SECONDS: '5', TERMINAL: 'yes', DISCORD_MESSAGE_GUESSES: '1', DECKS_DIR: '  ', DISCORD_GUILD_ID: ' 42 ' });
    expect(c).toMatchObject({ STEP_SECONDS: 5, TERMINAL: true, DISCORD_MESSAGE_GUESSES: true, DECKS_DIR: undefined, DISCORD_GUILD_ID: '42' });
  });

  it('starts the chat adapters whose tokens are set, and the terminal too when asked', () => {
    const discord = { DISCORD_TOKEN: 't', DISCORD_APP_ID: '1' };
    const slack = { SLACK_BOT_TOKEN: 'xoxb', SLACK_APP_TOKEN: 'xapp' };
    expect(adaptersFor(loadConfig(discord))).toEqual(['discord']);
    expect(adaptersFor(loadConfig({ ...discord, ...slack }))).toEqual(['discord', 'slack']);
    expect(adaptersFor(loadConfig({ ...slack, TERMINAL: 'true' }))).toEqual(['slack', 'terminal']);
  });

  it('lists every bad value at once, one per variable, without echoing it', () => {
    const message = refusal({ STEP_SECONDS: '0', LOG_LEVEL: 'loud', PORT: 'eighty', TERMINAL: 'maybe', SLACK_MODE: 'carrier-pigeon' });
    expect(message.split('\n')[0]).toBe('Invalid configuration:');
    expect(named(message).sort()).toEqual(['LOG_LEVEL', 'PORT', 'SLACK_MODE', 'STEP_SECONDS', 'TERMINAL']);
    expect(message).toMatch(/expected number to be >=1\n\s+→ at STEP_SECONDS/);
    expect(message).not.toContain('carrier-pigeon');
    expect(message.trimEnd().split('\n').at(-1)).toBe('See .env.example for every variable.');
  });

  describe('settings that only make sense together', () => {
    const cases: [string, Record<string, string>, string, RegExp][] = [
      ['a Discord token without the application id', { DISCORD_TOKEN: 't' }, 'DISCORD_APP_ID', /required when DISCORD_TOKEN is set/],
      ['Slack Socket Mode without the app token', { SLACK_BOT_TOKEN: 'xoxb' }, 'SLACK_APP_TOKEN', /required for Socket Mode/],
      [
        'Slack HTTP mode without the signing secret',
        { SLACK_BOT_TOKEN: 'xoxb', SLACK_MODE: 'http' },
        'SLACK_SIGNING_SECRET',
        /required when SLACK_MODE=http/,
      ],
      ['shard ids without the shard count', { DISCORD_SHARD_IDS: '0-1' }, 'DISCORD_SHARD_COUNT', /required with DISCORD_SHARD_IDS/],
      ['a shard id past the count', { DISCORD_SHARD_IDS: '0-4', DISCORD_SHARD_COUNT: '4' }, 'DISCORD_SHARD_IDS', /shard 4 is not below/],
      ['two shard totals', { DISCORD_SHARDS: '3', DISCORD_SHARD_COUNT: '4' }, 'DISCORD_SHARDS', /conflicts with DISCORD_SHARD_COUNT/],
    ];
    it.each(cases)('refuses %s', (_name, env, variable, reason) => {
      const message = refusal(env);
      expect(named(message)).toEqual([variable]);
      expect(message).toMatch(reason);
    });

    it('accepts each of them once completed', () => {
      expect(() => loadConfig({ DISCORD_TOKEN: 't', DISCORD_APP_ID: '1' })).not.toThrow();
      expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb', SLACK_MODE: 'http', SLACK_SIGNING_SECRET: 's' })).not.toThrow();
      expect(() => loadConfig({ DISCORD_SHARD_IDS: '0-3', DISCORD_SHARD_COUNT: '4', DISCORD_SHARDS: '4' })).not.toThrow();
    });

    it('names every broken pair together', () => {
      const message = refusal({ DISCORD_TOKEN: 't', SLACK_BOT_TOKEN: 'xoxb', SLACK_MODE: 'http' });
      expect(named(message)).toEqual(['DISCORD_APP_ID', 'SLACK_SIGNING_SECRET']);
    });

    it('never puts a token in the message', () => {
      const message = refusal({ DISCORD_TOKEN: 'very-secret-token', SLACK_BOT_TOKEN: 'xoxb-secret', SLACK_MODE: 'http' });
      expect(message).not.toMatch(/secret/);
    });
  });
});
