/**
 * Opening the database file safely (issue 11 §2): what an operator can get wrong or find broken is
 * refused at start, with one or two plain lines that name the path and say what to do, instead of a
 * stack trace at start or a failed write on the first guess.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { StartupError } from '../config/startup-error.ts';

const codeOf = (e: unknown) => (e as { code?: unknown } | null)?.code;
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Opens, configures and checks a SQLite file; throws StartupError for anything the operator must fix. */
export function openSqliteFile(path: string): SQLite.Database {
  if (path === ':memory:') return configure(new SQLite(path), path);
  const shown = resolve(path);
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (e) {
    if (codeOf(e) === 'ENOTDIR') throw underAFile(shown);
    if (codeOf(e) !== 'ENOENT') throw new StartupError(`Cannot read the database file ${shown}: ${messageOf(e)}.`, { cause: e });
  }
  if (isDirectory) {
    throw new StartupError(
      `DATABASE_PATH ${shown} is a folder, not a database file.\nSet DATABASE_PATH to a file, for example ${join(shown, 'emergence.db')}.`,
    );
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    if (codeOf(e) === 'ENOTDIR' || codeOf(e) === 'EEXIST') throw underAFile(shown);
    throw new StartupError(
      `Cannot create the folder ${dirname(shown)} for the database: ${messageOf(e)}.\nCreate it, or set DATABASE_PATH to a writable place.`,
      { cause: e },
    );
  }
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(path);
  } catch (e) {
    throw new StartupError(
      `Cannot open the database file ${shown} (${messageOf(e)}).\nCheck that its folder exists and is writable, or set DATABASE_PATH to another file.`,
      { cause: e },
    );
  }
  try {
    configure(sqlite, shown);
    check(sqlite, shown);
  } catch (e) {
    sqlite.close();
    throw e;
  }
  return sqlite;
}

function underAFile(shown: string): StartupError {
  return new StartupError(
    `Cannot create the database at ${shown}: a part of that path is a file, not a folder.\nSet DATABASE_PATH to a path inside a folder.`,
  );
}

function notADatabase(shown: string, e: unknown): StartupError {
  return new StartupError(
    `${shown} is not a SQLite database (or it is badly damaged).\nMove the file away, or set DATABASE_PATH to another file.`,
    { cause: e },
  );
}

function configure(sqlite: SQLite.Database, shown: string): SQLite.Database {
  try {
    // First: another process opening the same file at once (a restart, a second shard range) waits
    // for its lock instead of failing on the switch to WAL or the migrations.
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('journal_mode = WAL');
    // WAL + NORMAL: a commit survives a process crash (the OS has the WAL pages);
    // only a power loss may drop the last transactions.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('wal_autocheckpoint = 10000');
    sqlite.pragma('foreign_keys = ON');
  } catch (e) {
    if (codeOf(e) === 'SQLITE_NOTADB') throw notADatabase(shown, e);
    throw readOnlyOr(shown, e);
  }
  return sqlite;
}

function readOnlyOr(shown: string, e: unknown): StartupError {
  const code = String(codeOf(e) ?? '');
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return new StartupError(
      `The database file ${shown} is read-only: the bot cannot store guesses in it.\nMake the file and its folder writable by this user, or set DATABASE_PATH to another file.`,
      { cause: e },
    );
  }
  if (code === 'SQLITE_NOTADB') return notADatabase(shown, e);
  if (code.startsWith('SQLITE_CORRUPT')) return damaged(shown, messageOf(e), e);
  return new StartupError(`Cannot use the database file ${shown}: ${messageOf(e)}.`, { cause: e });
}

function damaged(shown: string, problem: string, cause?: unknown): StartupError {
  return new StartupError(
    `The database file ${shown} is damaged (${problem.replace(/\s+/g, ' ').slice(0, 200)}).\nRestore it from a backup, or move it away to start with an empty database.`,
    { cause },
  );
}

/** quick_check (pages, indexes, constraints; not a full integrity check), then a write that is rolled back. */
function check(sqlite: SQLite.Database, shown: string): void {
  let result: unknown[];
  try {
    result = sqlite.pragma('quick_check(1)', { simple: false }) as unknown[];
  } catch (e) {
    throw readOnlyOr(shown, e);
  }
  const first = result[0] as Record<string, unknown> | undefined;
  const verdict = first ? String(Object.values(first)[0]) : 'ok';
  if (verdict !== 'ok') throw damaged(shown, `PRAGMA quick_check: ${verdict}`);
  // A read-only file opens and reads fine; find out now rather than on the first guess.
  try {
    sqlite.exec('BEGIN IMMEDIATE');
    try {
      sqlite.exec('CREATE TABLE emergence_write_probe (x INTEGER)');
    } finally {
      sqlite.exec('ROLLBACK');
    }
  } catch (e) {
    throw readOnlyOr(shown, e);
  }
}

/** A connection URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** A PostgreSQL that cannot be reached or refuses us at start: say where, and what to check. */
export function startupErrorForPostgres(url: string, e: unknown): Error {
  const code = String(codeOf(e) ?? '');
  const unreachable = ['ECONNREFUSED', 'ENOTFOUND', 'ENOENT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'].includes(code);
  // 28xxx: authentication; 3D000: no such database; 57P03: starting up.
  if (unreachable || code.startsWith('28') || code === '3D000' || code === '57P03') {
    return new StartupError(
      `Cannot connect to PostgreSQL at ${redactUrl(url)} (${messageOf(e)}).\nCheck DATABASE_URL, and that the server runs and accepts this user.`,
      { cause: e },
    );
  }
  return e instanceof Error ? e : new Error(String(e));
}
