/**
 * `npm run deploy:discord`: registers the commands of `commands/` with Discord and
 * prints what changed. With DISCORD_GUILD_ID, to that one server (instant, for
 * development); otherwise globally (Discord may take a while to show them everywhere).
 */
import { REST, Routes } from 'discord.js';
import { pathToFileURL } from 'node:url';
import { commands as builtInCommands } from '../../../commands/index.ts';
import type { CommandDef } from '../../core/commands/define.ts';
import { buildCommands, diffCommands, type CommandDiff } from './register.ts';

export interface DeployOptions {
  token: string;
  appId: string;
  guildId?: string;
  apiBase?: string;
  commands?: CommandDef[];
  /** Only show what would change. */
  dryRun?: boolean;
}

export interface DeployResult extends CommandDiff {
  target: string;
}

export async function deployCommands(o: DeployOptions): Promise<DeployResult> {
  const rest = new REST({ ...(o.apiBase ? { api: o.apiBase.replace(/\/+$/, '') } : {}), timeout: 15_000 }).setToken(o.token);
  const route = o.guildId ? Routes.applicationGuildCommands(o.appId, o.guildId) : Routes.applicationCommands(o.appId);
  const desired = buildCommands(o.commands ?? builtInCommands);
  const existing = (await rest.get(route, { query: new URLSearchParams({ with_localizations: 'true' }) })) as Record<string, unknown>[];
  const diff = diffCommands(existing, desired);
  if (!o.dryRun && (diff.added.length || diff.changed.length || diff.removed.length)) {
    await rest.put(route, { body: desired });
  }
  return { ...diff, target: o.guildId ? `server ${o.guildId}` : 'global' };
}

export function formatDeploy(r: DeployResult, dryRun = false): string {
  const lines = [`Discord commands (${r.target})${dryRun ? ', dry run' : ''}:`];
  for (const n of r.added) lines.push(`  + ${n}  (new)`);
  for (const n of r.changed) lines.push(`  ~ ${n}  (changed)`);
  for (const n of r.removed) lines.push(`  - ${n}  (removed)`);
  for (const n of r.unchanged) lines.push(`    ${n}`);
  const changes = r.added.length + r.changed.length + r.removed.length;
  lines.push(
    changes === 0
      ? 'Nothing to change.'
      : `${dryRun ? 'Would change' : 'Changed'} ${changes} command(s)${r.target === 'global' && !dryRun ? '; global commands can take a while to appear' : ''}.`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  await import('dotenv/config');
  const { loadConfig } = await import('../../config/config.ts');
  const config = loadConfig();
  if (!config.DISCORD_TOKEN || !config.DISCORD_APP_ID) {
    process.stderr.write('Set DISCORD_TOKEN and DISCORD_APP_ID (and DISCORD_GUILD_ID for one test server). See the README, section Discord.\n');
    process.exit(1);
  }
  const dryRun = process.argv.includes('--dry-run');
  const result = await deployCommands({
    token: config.DISCORD_TOKEN,
    appId: config.DISCORD_APP_ID,
    guildId: config.DISCORD_GUILD_ID,
    apiBase: config.DISCORD_API_BASE,
    dryRun,
  });
  process.stdout.write(formatDeploy(result, dryRun) + '\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    // Never print the request (it carries the token): the message and status are enough.
    const e = err as { message?: string; status?: number };
    process.stderr.write(`Registering the Discord commands failed: ${e.message ?? String(err)}${e.status ? ` (HTTP ${e.status})` : ''}\n`);
    process.exit(1);
  });
}
