/**
 * `npm run --silent cli -- <command> ...`: developer and operator tools.
 * Each subcommand lives in src/cli/<name>.ts and exports `run(argv): Promise<number>`.
 */
import { safeText } from './cli/output.ts';

const commands: Record<string, () => Promise<{ run: (argv: string[]) => Promise<number> }>> = {
  ladder: () => import('./cli/ladder.ts'),
  deck: () => import('./cli/deck.ts'),
  judge: () => import('./cli/judge.ts'),
  explain: () => import('./cli/explain.ts'),
  stats: () => import('./cli/stats.ts'),
  db: () => import('./cli/db.ts'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`usage: npm run --silent cli -- <${Object.keys(commands).join('|')}> ...\n`);
    return 2;
  }
  const mod = await load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(safeText(`${err instanceof Error ? err.message : String(err)}\n`));
    process.exitCode = 1;
  },
);
