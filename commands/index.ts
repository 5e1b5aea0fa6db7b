/** The explicit list of commands. A test checks that it matches the files in this folder. */
import type { CommandDef } from '../src/core/commands/define.ts';
import decks from './decks.ts';
import guess from './guess.ts';
import help from './help.ts';
import hint from './hint.ts';
import leaderboard from './leaderboard.ts';
import { setCommandList } from './list.ts';
import play from './play.ts';
import skip from './skip.ts';
import stop from './stop.ts';

export const commands: CommandDef[] = [play, guess, hint, skip, stop, leaderboard, decks, help];
setCommandList(commands);
