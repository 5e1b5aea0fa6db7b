import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type CompiledQuery } from 'kysely';
import { migrationProvider } from './migrations.ts';
import type { Database } from './schema.ts';

export type ScoreScope = 'channel' | 'server' | 'global';
export const GLOBAL_SCOPE_ID = 'all';

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

export interface GuessRecord {
  roundId: string;
  playerId: string;
  playerName: string;
  channelId: string;
  scopeId: string;
  deckId: string;
  itemId: string;
  mode: string;
  step: number;
  textNorm: string;
  verdict: string;
  points: number;
  first: boolean;
  /** Race winner: counts a win on the leaderboard. */
  win: boolean;
  at: number;
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
}

/** Raised when the database refuses a second first solver for a round. */
export class FirstSolverConflict extends Error {}

/**
 * The game's persistent store: SQLite (better-sqlite3, WAL) through Kysely.
 * Every write the game acknowledges is committed before the promise resolves.
 */
export class Store {
  private constructor(
    readonly db: Kysely<Database>,
    readonly sqlite: SQLite.Database,
  ) {}

  static async open(path: string): Promise<Store> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    // WAL + NORMAL: a commit survives a process crash (the OS has the WAL pages);
    // only a power loss may drop the last transactions.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    const store = new Store(db, sqlite);
    await store.migrate();
    return store;
  }

  private async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
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
   * Records a guess, and its points in every score scope, in one transaction.
   * A second "first" for the same round is refused by the database (unique partial index).
   */
  /**
   * Records a guess and its points. The promise resolves only once the guess is committed.
   * Guesses arriving in the same tick (many channels at once) share one transaction, each
   * in its own savepoint, so a commit costs one WAL write for all of them and one guess's
   * failure (a second first solver) rolls back only that guess.
   */
  recordGuess(g: GuessRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ g, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private pending: { g: GuessRecord; resolve: () => void; reject: (e: unknown) => void }[] = [];

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      this.writeGuesses(batch.map((b) => b.g));
      for (const item of batch) item.resolve();
      return;
    } catch {
      // Rare (a second first solver): the batch rolled back; write each guess on its own.
    }
    for (const item of batch) {
      try {
        this.writeGuesses([item.g]);
        item.resolve();
      } catch (e) {
        item.reject(
          e instanceof Error && /UNIQUE constraint failed: guesses\.round_id/.test(e.message) ? new FirstSolverConflict(item.g.roundId) : e,
        );
      }
    }
  }

  private writeGuessesTx: ((gs: GuessRecord[]) => void) | null = null;

  /** All of these guesses in one transaction (one WAL write), or none. */
  private writeGuesses(gs: GuessRecord[]): void {
    this.writeGuessesTx ??= this.sqlite.transaction((list: GuessRecord[]) => {
      for (const g of list) this.writeGuess(g);
    });
    this.writeGuessesTx(gs);
  }

  /**
   * The hot path. Queries are built with Kysely (so they port to other dialects) and run as
   * cached better-sqlite3 statements in one synchronous transaction: Kysely's async executor
   * costs several times more than the SQLite work itself here.
   */
  private writeGuess(g: GuessRecord): void {
    this.exec(
      this.db.insertInto('guesses').values({
        round_id: g.roundId,
        player_id: g.playerId,
        channel_id: g.channelId,
        scope_id: g.scopeId,
        deck_id: g.deckId,
        item_id: g.itemId,
        mode: g.mode,
        step: g.step,
        text_norm: g.textNorm,
        verdict: g.verdict,
        points: g.points,
        first: g.first ? 1 : 0,
        created_at: g.at,
      }),
    );
    if (g.first) {
      const res = this.exec(
        this.db
          .updateTable('rounds')
          .set({ first_solver_id: g.playerId })
          .where('id', '=', g.roundId)
          .where('first_solver_id', 'is', null),
      );
      if (res.changes !== 1) throw new FirstSolverConflict(g.roundId);
    }
    this.exec(
      this.db
        .insertInto('players')
        .values({ id: g.playerId, name: g.playerName, updated_at: g.at })
        .onConflict((oc) => oc.column('id').doUpdateSet({ name: g.playerName, updated_at: g.at })),
    );
    if (g.points > 0 || g.win) {
      const solved = g.verdict === 'correct' ? 1 : 0;
      const win = g.win ? 1 : 0;
      const scopes: [string, string][] = [
        ['channel', g.channelId],
        ['server', g.scopeId],
        ['global', GLOBAL_SCOPE_ID],
      ];
      for (const [scope, scopeId] of scopes) {
        this.exec(
          this.db
            .insertInto('scores')
            .values({ scope, scope_id: scopeId, player_id: g.playerId, points: g.points, wins: win, solved, updated_at: g.at })
            .onConflict((oc) =>
              oc.columns(['scope', 'scope_id', 'player_id']).doUpdateSet({
                points: sql`points + ${g.points}`,
                wins: sql`wins + ${win}`,
                solved: sql`solved + ${solved}`,
                updated_at: g.at,
              }),
            ),
        );
      }
    }
  }

  private readonly statements = new Map<string, SQLite.Statement>();

  /** Runs a Kysely-built write synchronously through a cached prepared statement. */
  private exec(query: { compile(): CompiledQuery }): SQLite.RunResult {
    const compiled = query.compile();
    let stmt = this.statements.get(compiled.sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(compiled.sql);
      this.statements.set(compiled.sql, stmt);
    }
    return stmt.run(...(compiled.parameters as unknown[]));
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
    let q = this.db.selectFrom('rounds').select(['id', 'channel_id', 'locale']).where('status', '=', 'running');
    if (platform) q = q.where('platform', '=', platform);
    const rows = await q.execute();
    for (const r of rows) await this.endRound(r.id, 'interrupted', 'interrupted', at);
    return rows.map((r) => ({ id: r.id, channelId: r.channel_id, locale: r.locale }));
  }

  async round(id: string) {
    return this.db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async guessesOfRound(roundId: string) {
    return this.db.selectFrom('guesses').selectAll().where('round_id', '=', roundId).orderBy('id').execute();
  }

  async close(): Promise<void> {
    this.flush();
    await this.db.destroy();
  }
}
