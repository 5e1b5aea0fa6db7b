/**
 * `npm run build`: bundles the bot into dist/ with esbuild, for `node dist/main.js` (the Docker image).
 *   - Every output file lands directly in dist/, one folder below the package root like src/paths.ts,
 *     so packagePath() finds assets/ from both (see src/paths.ts).
 *   - npm packages stay external: they are loaded from node_modules as under tsx, and the dynamic
 *     imports of the adapters stay separate chunks, so discord.js and Bolt load only when used.
 *   - Type checking is `npm run typecheck`; esbuild only strips types.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = `${root}dist`;

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'src/main.ts',
    // Spawned by the ShardingManager (src/adapters/discord/shard.ts) by this name.
    'shard-main': 'src/adapters/discord/shard-main.ts',
    cli: 'src/cli.ts',
    'deploy-discord': 'src/adapters/discord/deploy.ts',
    // `npm run bench` measures the rounds' memory on the compiled code.
    ...(process.argv.includes('--bench') ? { 'bench-game': 'src/bench/game.ts' } : {}),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
});
const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
process.stdout.write(`built ${files.length} files into dist/\n`);
