/**
 * `npm run manifest:slack` writes assets/slack/manifest.json (Socket Mode) from commands/.
 * `npm run manifest:slack -- --http https://bot.example.org` prints an HTTP-mode manifest instead.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../../../commands/index.ts';
import { MANIFEST_PATH, manifestJson } from './manifest.ts';

const args = process.argv.slice(2);
const i = args.indexOf('--http');
if (i >= 0) {
  const base = args[i + 1];
  if (!base || !/^https:\/\//.test(base)) {
    process.stderr.write('usage: npm run manifest:slack -- --http https://<your public host>\n');
    process.exit(2);
  }
  process.stdout.write(manifestJson(commands, { httpBase: base }));
} else {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const out = join(root, MANIFEST_PATH);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, manifestJson(commands));
  process.stdout.write(`wrote ${MANIFEST_PATH}\n`);
}
