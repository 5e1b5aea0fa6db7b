/**
 * Which plain chat messages may be taken as guesses (Discord with DISCORD_MESSAGE_GUESSES, Slack race
 * channels). A guess is a short name: a message with a link, a mention, code or many words is
 * conversation, and is neither judged nor stored.
 */
export const CHAT_GUESS_MAX_CHARS = 60;
export const CHAT_GUESS_MAX_WORDS = 8;

const LINK = /\b(?:https?|ftp):\/\/|\bwww\./i;
// Discord <@id>, <@&id>, <#id>, <:emoji:id>; Slack <@U…>, <!here>, <url|label>; bare @everyone/@here.
const MENTION = /<[^<>]+>|@(?:everyone|here|channel)\b/i;

export function isPlausibleChatGuess(text: string): boolean {
  const t = text.trim();
  if (!t || t.startsWith('/')) return false;
  if (Array.from(t).length > CHAT_GUESS_MAX_CHARS) return false;
  if (t.includes('\n') || t.includes('`')) return false;
  if (LINK.test(t) || MENTION.test(t)) return false;
  return t.split(/\s+/).length <= CHAT_GUESS_MAX_WORDS;
}
