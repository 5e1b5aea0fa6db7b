/** `npx tsx src/bench/ladder-main.ts`: run the ladder bench on its own and print the figures. */
import { benchLadder } from './ladder.ts';

const figures = await benchLadder();
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
