/** A reply's buttons, as command lines a terminal player can type instead of pressing them. */
import type { CommandDef } from '../../core/commands/define.ts';
import { GUESS_BUTTON_PREFIX } from '../../views/game.ts';

/**
 * The text form of what a button runs (the inverse of Dispatcher.runButton):
 * `leaderboard:global` → `/leaderboard scope:global`,
 * `explain:topic=emergence&detail=long` → `/explain topic:emergence detail:long`.
 * Null when a button has no text form: the round's Guess button (in the terminal you just
 * type the guess), a command this app doesn't have, or a value the text form can't quote.
 */
export function buttonCommandLine(id: string, command: (name: string) => CommandDef | undefined): string | null {
  if (id.startsWith(GUESS_BUTTON_PREFIX)) return null;
  // The daily's buttons read as its text form: `/daily next`, `/daily guess <answer>`.
  if (id.startsWith('daily:action=') && command('daily')) {
    const action = id.slice('daily:action='.length);
    return action === 'guess' ? '/daily guess <answer>' : `/daily ${action}`;
  }
  const colon = id.indexOf(':');
  const name = colon < 0 ? id : id.slice(0, colon);
  const payload = colon < 0 ? '' : id.slice(colon + 1);
  const def = command(name);
  if (!def) return null;
  let options: [string, string][] = [];
  if (payload.includes('=')) options = [...new URLSearchParams(payload)];
  else if (payload && def.options[0]) options = [[def.options[0].name, payload]];
  const parts = [`/${name}`];
  for (const [option, value] of options) {
    // The text form quotes with "…" and has no escape for a quote inside.
    if (value.includes('"') || /[\r\n]/.test(value)) return null;
    parts.push(/\s/.test(value) || value === '' ? `${option}:"${value}"` : `${option}:${value}`);
  }
  return parts.join(' ');
}
