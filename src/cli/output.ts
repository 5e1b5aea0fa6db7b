/**
 * Everything the CLI prints goes through here. Arguments, file names and deck contents are echoed
 * in messages (`unknown item "…"`), and a terminal obeys the control sequences hidden in them: an
 * `ESC ] 0 ; … BEL` retitles the window, others move the cursor or rewrite what was printed. So,
 * as the bot does for chat (sanitizeUserText), control characters are dropped: C0 but newline and
 * tab, DEL, C1 (which holds the 8-bit CSI), zero-width and bidi controls. Line breaks stay: a
 * message or a usage text may span lines.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** The text without the characters a terminal could act on. */
export function safeText(text: string): string {
  return text.replace(UNSAFE, '');
}

/** Print to stdout, made safe. */
export function out(text: string): void {
  process.stdout.write(safeText(text));
}

/** Print to stderr, made safe. */
export function err(text: string): void {
  process.stderr.write(safeText(text));
}
