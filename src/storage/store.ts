import SQLite from 'better-sqlite3';
import type { Logger } from 'pino';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type SqliteDatabase, type Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import { migrationProvider, type DialectName } from './migrations.ts';
import type { Database } from './schema.ts';
import { GLOBAL_SCOPE_ID, writeGuesses, type GuessRecord } from './guess-write.ts';
import { openSqliteFile, redactUrl, startupErrorForPostgres } from './sqlite-health.ts';

export { GLOBAL_SCOPE_ID, type GuessRecord };

export type ScoreScope = 'channel' | 'server' | 'global';

export interface RoundRow {
  id: string;
  platform: string;
  channelId: string;
  scopeId: string;
  deckId: string;
  itemId: string;
  mode: string;
  stepSeconds: number;
  hostId: string;
  locale: string;
  startedAt: number;
}


export interface LeaderboardRow {
  playerId: string;
  name: string;
  points: number;
  wins: number;
  solved: number;
}

export interface InterruptedRound {
  id: string;
  channelId: string;
  locale: string;
  mode: string;
}

/** Raised when the database refuses a second first solver for a round. */
export class FirstSolverConflict extends Error {}

/** `postgres://…` or `postgresql://…` selects PostgreSQL; anything else is a SQLite file path. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A unique or primary-key violation, by SQLSTATE (PostgreSQL) or extended result code (SQLite). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Worth running again on its own: a deadlock or serialization failure (PostgreSQL), a busy file (SQLite). */
function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001' || code === 'SQLITE_BUSY';
}

// int8 (COUNT(*), bigint timestamps and ids) comes back from pg as a string; every value the game
// stores fits a double, so read it as a number.
const PG_INT8 = 20;
function pgTypes(pg: typeof import('pg').default) {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === PG_INT8 && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
}

/**
 * The handle Kysely's SQLite driver runs queries on, with prepared statements kept by their SQL: the
 * driver prepares every query anew, and compiling a statement cost SQLite more than running it (the
 * guess path's multi-row writes). Kysely runs one query at a time on the connection (its mutex), so a
 * cached statement is never in use twice at once.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new LRUCache<string, SQLite.Statement>({ max: 1000 });
  return {
    close: () => sqlite.close(),
    prepare: (text: string) => {
      let statement = cache.get(text);
      if (!statement) cache.set(text, (statement = sqlite.prepare(text)));
      return statement as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}

interface Pending {
  g: GuessRecord;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * The game's persistent store: SQLite (better-sqlite3, WAL) or PostgreSQL (pg), through Kysely, with
 * one set of migrations and queries. Every write the game acknowledges is committed before the
 * promise resolves.
 */
export class Store {
  private constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    /** The better-sqlite3 handle on SQLite (for its own checks and the bench); null on PostgreSQL. */
    readonly sqlite: SQLite.Database | null,
  ) {}

  /**
   * Opens (and migrates) the database at `location`: a postgres:// URL, or a SQLite file path
   * (its folder is created). A SQLite file is checked first: a folder, a path under a regular file,
   * a file that is not a database, a damaged or read-only one are refused with a StartupError.
   */
  static async open(location: string, opts: { migrate?: boolean; log?: Pick<Logger, 'warn'> } = {}): Promise<Store> {
    const store = isPostgresUrl(location) ? await Store.postgres(location, opts.log) : Store.sqliteAt(location);
    try {
      // Without migrating (`cli db migrate` does it, to report what it applied), still check the connection.
      if (opts.migrate === false) await sql`SELECT 1`.execute(store.db);
      else await store.migrate();
    } catch (e) {
      await store.db.destroy().catch(() => undefined);
      throw store.dialect === 'postgres' ? startupErrorForPostgres(location, e) : e;
    }
    return store;
  }

  private static sqliteAt(path: string): Store {
    const sqlite = openSqliteFile(path);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return new Store(db, 'sqlite', sqlite);
  }

  private static async postgres(url: string, log?: Pick<Logger, 'warn'>): Promise<Store> {
    // Loaded only for PostgreSQL: a SQLite bot does not pay pg's memory.
    const { default: pg } = await import('pg');
    // Connections are kept through quiet spells (pg closes them after 10 s idle by default): a new
    // PostgreSQL backend costs tens of ms of CPU to start and warm its caches, paid again at each burst.
    const pool = new pg.Pool({ connectionString: url, types: pgTypes(pg), max: 10, min: 2, idleTimeoutMillis: 120_000 });
    // An idle client that loses its connection must not take the process down; the next query reconnects.
    pool.on('error', (err) => log?.warn({ err }, 'an idle database connection failed; the next query opens another'));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return new Store(db, 'postgres', null);
  }

  /** Applies pending migrations; returns their names (empty when the database is current). */
  async migrate(): Promise<string[]> {
    // Migration names leave gaps (the live-rounds one is 0050): a database that ran a later one before
    // an earlier one existed still gets the earlier one, and none depends on running before another.
    const migrator = new Migrator({ db: this.db, provider: migrationProvider(this.dialect), allowUnorderedMigrations: true });
    // On PostgreSQL, Kysely's migrator locks its own table. Its SQLite adapter takes no lock and runs
    // outside a transaction, so two processes starting on one file at once would both apply 0001.
    // Holding SQLite's write lock (BEGIN IMMEDIATE) for the whole run makes the second one wait, then
    // find nothing to do; SQLite's DDL is transactional, so a failed migration leaves no half.
    const { error, results } = this.sqlite ? await this.underSqliteWriteLock(() => migrator.migrateToLatest()) : await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      if (!failed) throw error;
      throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }

  private async underSqliteWriteLock<T extends { error?: unknown }>(run: () => Promise<T>): Promise<T> {
    const sqlite = this.sqlite!;
    const giveUpAt = Date.now() + 60_000;
    // Polled without SQLite's busy handler, which would block this thread (and any other store on the
    // same file in this process) while it waits.
    const busyMs = sqlite.pragma('busy_timeout', { simple: true }) as number;
    sqlite.pragma('busy_timeout = 0');
    try {
      for (;;) {
        try {
          sqlite.exec('BEGIN IMMEDIATE');
          break;
        } catch (e) {
          if (!isTransient(e) || Date.now() > giveUpAt) throw e;
          await new Promise((r) => setTimeout(r, 25));
        }
      }
    } finally {
      sqlite.pragma(`busy_timeout = ${busyMs}`);
    }
    let out: T;
    try {
      out = await run();
    } catch (e) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      throw e;
    }
    if (sqlite.inTransaction) sqlite.exec(out.error ? 'ROLLBACK' : 'COMMIT');
    return out;
  }

  /** Where the data is, for messages: the file, or the URL without its password. */
  static describe(location: string): string {
    return isPostgresUrl(location) ? redactUrl(location) : location;
  }

  async createRound(r: RoundRow): Promise<void> {
    await this.db
      .insertInto('rounds')
      .values({
        id: r.id,
        platform: r.platform,
        channel_id: r.channelId,
        scope_id: r.scopeId,
        deck_id: r.deckId,
        item_id: r.itemId,
        mode: r.mode,
        step_seconds: r.stepSeconds,
        host_id: r.hostId,
        locale: r.locale,
        status: 'running',
        end_reason: null,
        step: 1,
        first_solver_id: null,
        started_at: r.startedAt,
        ended_at: null,
      })
      .execute();
  }

  async setRoundStep(roundId: string, step: number): Promise<void> {
    await this.db.updateTable('rounds').set({ step }).where('id', '=', roundId).execute();
  }

  async endRound(roundId: string, status: 'ended' | 'interrupted', reason: string, at: number): Promise<void> {
    await this.db
      .updateTable('rounds')
      .set({ status, end_reason: reason, ended_at: at })
      .where('id', '=', roundId)
      .where('status', '=', 'running')
      .execute();
  }

  /**
   * Records a guess: its row, the first-solver claim, the player's name, its points in every score
   * scope and the player's recognition of the picture. The promise resolves only once the guess is
   * committed. Guesses that arrive while a batch is being written (many channels at once) share the
   * next transaction, and each table gets one multi-row statement for them all; if the batch fails
   * (a second "first" for a round, refused by the unique partial index), it rolls back and each guess
   * is written on its own, so only the failing one is refused.
   */
  recordGuess(g: GuessRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ g, resolve, reject });
      this.schedule();
    });
  }

  private pending: Pending[] = [];
  private scheduled = false;
  private writing: Promise<void> | null = null;

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.writing = this.flush().finally(() => {
        this.writing = null;
        if (this.pending.length) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      await this.db.transaction().execute((trx) => this.writeBatch(trx, batch.map((b) => b.g)));
      for (const item of batch) item.resolve();
      return;
    } catch {
      // Rare (a second first solver, a deadlock with another instance): write each guess on its own.
    }
    for (const item of batch) {
      try {
        await this.writeOne(item.g);
        item.resolve();
      } catch (e) {
        item.reject(item.g.first && isUniqueViolation(e) ? new FirstSolverConflict(item.g.roundId) : e);
      }
    }
  }

  private async writeOne(g: GuessRecord): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.transaction().execute((trx) => this.writeBatch(trx, [g]));
        return;
      } catch (e) {
        if (!isTransient(e) || attempt >= 5) throw e;
      }
    }
  }

  /** The guesses' rows (guess-write.ts), and each first solver's claim on its round. */
  private async writeBatch(trx: Transaction<Database>, gs: GuessRecord[]): Promise<void> {
    await writeGuesses(trx, gs);
    for (const g of gs) {
      if (!g.first) continue;
      const res = await trx
        .updateTable('rounds')
        .set({ first_solver_id: g.playerId })
        .where('id', '=', g.roundId)
        .where('first_solver_id', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new FirstSolverConflict(g.roundId);
    }
  }

  async leaderboard(scope: ScoreScope, scopeId: string, limit = 10): Promise<LeaderboardRow[]> {
    const rows = await this.db
      .selectFrom('scores')
      .innerJoin('players', 'players.id', 'scores.player_id')
      .select(['scores.player_id', 'players.name', 'scores.points', 'scores.wins', 'scores.solved'])
      .where('scores.scope', '=', scope)
      .where('scores.scope_id', '=', scope === 'global' ? GLOBAL_SCOPE_ID : scopeId)
      .orderBy('scores.points', 'desc')
      .orderBy('scores.wins', 'desc')
      .orderBy('players.name')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ playerId: r.player_id, name: r.name, points: r.points, wins: r.wins, solved: r.solved }));
  }

  /** Closes rounds a previous process left running. Scores were committed per guess, so none is lost. */
  async interruptRunning(at: number, platform?: string): Promise<InterruptedRound[]> {
    let q = this.db.selectFrom('rounds').select(['id', 'channel_id', 'locale', 'mode']).where('status', '=', 'running');
    if (platform) q = q.where('platform', '=', platform);
    const rows = await q.execute();
    for (const r of rows) await this.endRound(r.id, 'interrupted', 'interrupted', at);
    return rows.map((r) => ({ id: r.id, channelId: r.channel_id, locale: r.locale, mode: r.mode }));
  }

  async round(id: string) {
    return this.db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async guessesOfRound(roundId: string) {
    return this.db.selectFrom('guesses').selectAll().where('round_id', '=', roundId).orderBy('id').execute();
  }

  /** Writes what is pending, then closes the connection(s). */
  async close(): Promise<void> {
    while (this.writing || this.pending.length) {
      if (this.writing) await this.writing;
      else await (this.writing = this.flush().finally(() => (this.writing = null)));
    }
    await this.db.destroy();
  }
}
