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
  mode: string;
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
    sqlite.pragma('wal_autocheckpoint = 10000');
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
   * Records a guess, and its points in every score scope. The promise resolves only once
   * the guess is committed. Guesses arriving in the same tick (many channels at once) share
   * one transaction, so a commit costs one WAL write for all of them; if any of them fails
   * (a second "first" for a round, refused by the unique partial index), the batch rolls
   * back and each guess is written on its own, so only the failing one is refused.
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

  /** One guess: its row, the first-solver claim, the player's name and its scores (see `run`). */
  private writeGuess(g: GuessRecord): void {
    const row = {
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
      player_name: g.playerName,
      wins: g.win ? 1 : 0,
      solved: g.verdict === 'correct' ? 1 : 0,
    };
    this.run('insert-guess', row, (v) =>
      this.db.insertInto('guesses').values({
        round_id: v.round_id,
        player_id: v.player_id,
        channel_id: v.channel_id,
        scope_id: v.scope_id,
        deck_id: v.deck_id,
        item_id: v.item_id,
        mode: v.mode,
        step: v.step,
        text_norm: v.text_norm,
        verdict: v.verdict,
        points: v.points,
        first: v.first,
        created_at: v.created_at,
      }),
    );
    if (g.first) {
      const res = this.run('claim-first', row, (v) =>
        this.db
          .updateTable('rounds')
          .set({ first_solver_id: v.player_id })
          .where('id', '=', v.round_id)
          .where('first_solver_id', 'is', null),
      );
      if (res.changes !== 1) throw new FirstSolverConflict(g.roundId);
    }
    this.run('upsert-player', row, (v) =>
      this.db
        .insertInto('players')
        .values({ id: v.player_id, name: v.player_name, updated_at: v.created_at })
        // Writes only when the name changed: most guesses come from players already known.
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet({ name: v.player_name, updated_at: v.created_at })
            .where('players.name', '!=', v.player_name),
        ),
    );
    if (g.points > 0 || g.win) {
      const scopes: [string, string][] = [
        ['channel', g.channelId],
        ['server', g.scopeId],
        ['global', GLOBAL_SCOPE_ID],
      ];
      for (const [scope, scopeKey] of scopes) {
        this.run('add-score', { ...row, scope, scope_key: scopeKey }, (v) =>
          this.db
            .insertInto('scores')
            .values({
              scope: v.scope,
              scope_id: v.scope_key,
              player_id: v.player_id,
              points: v.points,
              wins: v.wins,
              solved: v.solved,
              updated_at: v.created_at,
            })
            .onConflict((oc) =>
              oc.columns(['scope', 'scope_id', 'player_id']).doUpdateSet({
                points: sql`points + ${v.points}`,
                wins: sql`wins + ${v.wins}`,
                solved: sql`solved + ${v.solved}`,
                updated_at: v.created_at,
              }),
            ),
        );
      }
    }
  }

  private readonly templates = new Map<string, { stmt: SQLite.Statement; fields: string[] }>();

  /**
   * Runs a write built with Kysely as a cached prepared statement. The query is built once,
   * with a marker in place of every value, so its SQL and the order of its parameters are
   * known; later calls only bind the row's values. Queries are still written only with Kysely
   * (and would run through it on another dialect); the hot path skips rebuilding them.
   */
  private run<R extends Record<string, unknown>>(
    name: string,
    row: R,
    build: (v: Record<keyof R, any>) => { compile(): CompiledQuery },
  ): SQLite.RunResult {
    let tpl = this.templates.get(name);
    if (!tpl) {
      const marks = Object.fromEntries(Object.keys(row).map((k) => [k, `\u0000${k}`])) as Record<keyof R, any>;
      const compiled = build(marks).compile();
      const fields = compiled.parameters.map((p) => {
        if (typeof p !== 'string' || !p.startsWith('\u0000')) throw new Error(`query ${name}: a value does not come from the row`);
        return p.slice(1);
      });
      tpl = { stmt: this.sqlite.prepare(compiled.sql), fields };
      this.templates.set(name, tpl);
    }
    return tpl.stmt.run(...tpl.fields.map((f) => row[f]));
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

  async close(): Promise<void> {
    this.flush();
    await this.db.destroy();
  }
}
