/** The explicit list of commands. A test checks that it matches the files in this folder. */
import type { CommandDef } from '../src/core/commands/define.ts';
import deck from './deck.ts';
import daily from './daily.ts';
import decks from './decks.ts';
import explain from './explain.ts';
import guess from './guess.ts';
import help from './help.ts';
import hint from './hint.ts';
import leaderboard from './leaderboard.ts';
import { setCommandList } from './list.ts';
import play from './play.ts';
import privacy from './privacy.ts';
import skip from './skip.ts';
import stats from './stats.ts';
import stop from './stop.ts';

export const commands: CommandDef[] = [play, guess, hint, skip, stop, leaderboard, stats, daily, explain, decks, privacy, help, deck];
setCommandList(commands);
