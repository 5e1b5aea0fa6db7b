/**
 * The text form of commands shared by Slack and the terminal:
 *   /play deck:masterpieces item:mona-lisa mode:race
 *   /guess mona lisa            (a `rest` option takes the remaining words)
 *   /play masterpieces race     (positional values fill options in order)
 */
import { UserError } from '../errors.ts';
import type { AttachmentRef, CommandDef, OptionSpec, OptionValues, RawValue } from './define.ts';

export interface ParsedCommand {
  name: string;
  args: string;
}

/** Splits `/name rest…`; returns null if the text is not a command. */
export function splitCommand(text: string): ParsedCommand | null {
  const m = /^\s*\/([A-Za-z][\w-]*)\s*([\s\S]*)$/.exec(text);
  if (!m) return null;
  return { name: m[1]!.toLowerCase(), args: m[2]!.trim() };
}

/** Tokens: `key:value`, `key:"quoted value"`, `"quoted"`, or bare words. */
function tokenize(args: string): { key?: string; value: string; raw: string }[] {
  const out: { key?: string; value: string; raw: string }[] = [];
  const re = /(?:([a-z][a-z0-9-]*):)?(?:"([^"]*)"|(\S+))/gy;
  let s = args.trim();
  while (s.length) {
    re.lastIndex = 0;
    const m = re.exec(s);
    if (!m) break;
    out.push({ key: m[1]?.toLowerCase(), value: m[2] ?? m[3] ?? '', raw: m[0] });
    s = s.slice(m[0].length).trimStart();
  }
  return out;
}

/** Turns the argument text into raw option values, by name. */
export function parseArgs(def: CommandDef, args: string): Record<string, string> {
  const values: Record<string, string> = {};
  const restOpt = def.options.find((o) => o.kind === 'string' && o.rest);
  const known = new Set(def.options.map((o) => o.name));
  const tokens = tokenize(args);
  // A command whose only free text is one `rest` option takes the whole line literally
  // unless it starts with that option's key.
  if (restOpt && def.options.length === 1) {
    const prefix = `${restOpt.name}:`;
    const text = args.startsWith(prefix) ? args.slice(prefix.length).trim().replace(/^"(.*)"$/, '$1') : args;
    if (text) values[restOpt.name] = text;
    return values;
  }
  const positional = def.options.filter((o) => !(o.kind === 'string' && o.rest));
  let pos = 0;
  const restWords: string[] = [];
  for (const t of tokens) {
    if (t.key && known.has(t.key)) {
      values[t.key] = t.value;
      continue;
    }
    if (t.key) {
      throw new UserError('unknown-option', { option: t.key, command: def.name });
    }
    while (pos < positional.length && values[positional[pos]!.name] !== undefined) pos++;
    if (pos < positional.length && !restOpt) {
      values[positional[pos]!.name] = t.value;
      pos++;
    } else if (restOpt) {
      restWords.push(t.raw);
    } else {
      throw new UserError('too-many-arguments', { command: def.name });
    }
  }
  if (restOpt && restWords.length) values[restOpt.name] = restWords.join(' ');
  return values;
}

/** Validates and converts raw option values against the definitions. */
export function coerceOptions(def: CommandDef, raw: Record<string, RawValue>): OptionValues {
  const out: OptionValues = {};
  for (const o of def.options) {
    const v = raw[o.name];
    if (v === undefined || v === '') {
      if (o.required) throw new UserError('missing-option', { option: o.name, command: def.name });
      continue;
    }
    out[o.name] = coerce(def, o, v);
  }
  return out;
}

function coerce(def: CommandDef, o: OptionSpec, v: string | number | AttachmentRef): string | number | AttachmentRef {
  if (typeof v === 'object') {
    // Only an adapter makes an AttachmentRef; any other option given one is a bug, answered as a bad value.
    if (o.kind === 'attachment') return v;
    throw new UserError('attachment-not-text', { option: o.name });
  }
  switch (o.kind) {
    case 'attachment':
      // Typed text (a URL) is never fetched: only files the platform itself hosts are.
      throw new UserError('attachment-not-text', { option: o.name });
    case 'integer': {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isInteger(n)) throw new UserError('bad-integer', { option: o.name, command: def.name });
      if ((o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) {
        throw new UserError('out-of-range', { option: o.name, min: o.min ?? '', max: o.max ?? '' });
      }
      return n;
    }
    case 'choice': {
      const s = String(v).toLowerCase();
      if (!o.choices.some((c) => c.value === s)) {
        throw new UserError('bad-choice', { option: o.name, choices: o.choices.map((c) => c.value).join(', ') });
      }
      return s;
    }
    case 'string': {
      const s = String(v);
      const max = o.maxLength ?? 2000;
      return s.length > max ? s.slice(0, max) : s;
    }
  }
}
