import type { CommandDef } from '../src/core/commands/define.ts';

/** Filled by index.ts; lets /help list every command without an import cycle. */
let registered: CommandDef[] = [];

export function setCommandList(list: CommandDef[]): void {
  registered = list;
}

export function commandList(): CommandDef[] {
  return registered;
}
