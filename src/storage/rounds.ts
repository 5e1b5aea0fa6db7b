/**
 * A round's live state in the database, the single source of truth for every instance: one `rounds`
 * row (step, status, winner, due time, owner lease, message reference) and one `round_players` row per
 * player. Every transition runs in one transaction (`transitionTx`): on PostgreSQL it first takes a
 * transaction-level advisory lock per channel, so one channel's inputs are ordered across instances;
 * SQLite has one writer. Writes are compare-and-set: a step moves from n to n+1 only if it is still n.
 * Portable Kysely only; the one dialect-specific statement (the advisory lock) sits in `lockChannel`.
 */
import { PostgresAdapter, sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { EndReason, Mode, PlayerState, RoundConfig, RoundState } from '../core/game/round.ts';
import type { Database, RoundsTable } from './schema.ts';
import { runShaped } from './shaped.ts';

type Db = Kysely<Database>;
type Tx = Transaction<Database>;
export type RoundRecord = Selectable<RoundsTable>;
/** The columns the engine's state is built from (`stateOf`); a guess batch reads only these (round-cache.ts). */
export type RoundView = Pick<
  RoundRecord,
  'id' | 'platform' | 'channel_id' | 'scope_id' | 'deck_id' | 'item_id' | 'mode' | 'step_seconds' | 'locale' | 'started_at'
  | 'status' | 'step' | 'due_at' | 'first_solver_id' | 'host_id' | 'end_reason' | 'ended_at'
>;

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Orders one channel's transitions across instances (PostgreSQL); SQLite serialises writers already. */
export async function lockChannel(trx: Tx, channelId: string): Promise<void> {
  if (isPostgres(trx)) await sql`SELECT pg_advisory_xact_lock(hashtext(${channelId}))`.execute(trx);
}

/**
 * Locks several channels in one statement, in the order of their lock keys, so that two batches
 * (and single inputs, which take one) never wait on each other in a cycle.
 */
export async function lockChannels(trx: Tx, channelIds: readonly string[]): Promise<void> {
  if (!isPostgres(trx) || channelIds.length === 0) return;
  if (channelIds.length === 1) return lockChannel(trx, channelIds[0]!);
  await sql`SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtext(c) AS k FROM unnest(${[...channelIds]}::text[]) AS c ORDER BY k) AS ks`.execute(trx);
}

/** The running rounds of these channels (at most one each). */
export async function runningRoundsOf(db: Db | Tx, channelIds: readonly string[]): Promise<RoundRecord[]> {
  if (channelIds.length === 0) return [];
  // The status as a literal, so that the planner can use the partial index rounds_one_running (a bound
  // parameter can't match its WHERE): it finds each channel's running round instead of scanning them all.
  return db.selectFrom('rounds').selectAll().where('channel_id', 'in', [...channelIds]).where('status', '=', sql.lit('running')).execute();
}

/**
 * PostgreSQL: a batch of guesses' reads in one statement: the running rounds of the guessers' channels,
 * and each guesser's row in the round of their channel (keyed as `playersIn`'s), as JSON beside their
 * round. (SQLite, in-process, reads them one after the other: RoundCache, then `playersIn`.)
 */
export async function roundsAndGuessers(
  trx: Tx,
  guessers: readonly (readonly [channelId: string, playerId: string])[],
): Promise<{ rounds: RoundRecord[]; players: Map<string, PlayerState> }> {
  const { rows } = await sql<RoundRecord & { guessers: Selectable<Database['round_players']>[] | null }>`
    SELECT r.*, (
      SELECT json_agg(rp) FROM round_players rp WHERE rp.round_id = r.id AND rp.player_id = ANY (k.players)
    ) AS guessers
    FROM (SELECT c, array_agg(DISTINCT p) AS players FROM unnest(${guessers.map(([c]) => c)}::text[], ${guessers.map(([, p]) => p)}::text[]) AS g(c, p) GROUP BY c) AS k
    JOIN rounds r ON r.channel_id = k.c AND r.status = 'running'`.execute(trx);
  const players = new Map<string, PlayerState>();
  const rounds = rows.map(({ guessers: found, ...round }) => {
    for (const r of found ?? []) players.set(`${r.round_id}\u0000${r.player_id}`, playerOf(r));
    return round;
  });
  return { rounds, players };
}

/** A `round_players` row as the engine's player state. */
function playerOf(r: Selectable<Database['round_players']>): PlayerState {
  return {
    id: r.player_id,
    name: r.name,
    countStep: r.count_step,
    guesses: r.guesses,
    solvedStep: r.solved_step ?? undefined,
    points: r.points,
  };
}

/** These (round, player) rows, keyed by `roundId \0 playerId` (those with no row are absent). */
export async function playersIn(db: Db | Tx, pairs: readonly (readonly [roundId: string, playerId: string])[]): Promise<Map<string, PlayerState>> {
  const out = new Map<string, PlayerState>();
  // The pairs themselves, not every round crossed with every player: one primary-key lookup per pair
  // instead of rounds × players.
  if (isPostgres(db)) {
    // PostgreSQL: the pairs as two arrays joined on the key. A list of row values is planned as one OR
    // branch per pair, and planning it cost more than running it.
    const { rows } = await sql<Selectable<Database['round_players']>>`
      SELECT rp.* FROM round_players rp
      JOIN unnest(${pairs.map(([r]) => r)}::text[], ${pairs.map(([, p]) => p)}::text[]) AS k(round_id, player_id)
        ON rp.round_id = k.round_id AND rp.player_id = k.player_id`.execute(db);
    for (const r of rows) out.set(`${r.round_id}\u0000${r.player_id}`, playerOf(r));
    return out;
  }
  for (let i = 0; i < pairs.length; i += 400) {
    const { rows } = await runShaped(db, 'round_players.pairs', pairs.slice(i, i + 400), (part) =>
      db
        .selectFrom('round_players')
        .selectAll()
        // One primary-key search per pair; a list of row values (`IN ((?, ?), …)`) went through a subquery, a third slower.
        .where((eb) => eb.or(part.map(([r, p]) => eb.and([eb('round_id', '=', r), eb('player_id', '=', p)])))),
    );
    for (const r of rows) out.set(`${r.round_id}\u0000${r.player_id}`, playerOf(r));
  }
  return out;
}

/** A player's state in a round, as a batch of guesses left it. */
export interface RoundPlayerRow {
  roundId: string;
  player: PlayerState;
}

/**
 * Writes players' rows after a batch of guesses, one statement. Only for rows read in the same
 * transaction under the channels' locks (`lockChannels`; SQLite has one writer): nothing else can
 * have moved them since, so the compare-and-set of `savePlayer` would always hold.
 */
export async function upsertPlayers(trx: Tx, rows: RoundPlayerRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 400) {
    const values = rows.slice(i, i + 400).map(({ roundId, player }) => ({
      round_id: roundId,
      player_id: player.id,
      name: player.name,
      count_step: player.countStep,
      guesses: player.guesses,
      solved_step: player.solvedStep ?? null,
      points: player.points,
    }));
    // Compiled once per row count (shaped.ts).
    await runShaped(trx, 'round_players.upsert', values, (vs) =>
      trx
        .insertInto('round_players')
        .values(vs)
        .onConflict((oc) =>
          oc.columns(['round_id', 'player_id']).doUpdateSet({
            name: sql`excluded.name`,
            count_step: sql`excluded.count_step`,
            guesses: sql`excluded.guesses`,
            solved_step: sql`excluded.solved_step`,
            points: sql`excluded.points`,
          }),
        ),
    );
  }
}

export async function runningRoundOf(db: Db | Tx, channelId: string): Promise<RoundRecord | undefined> {
  // A literal status, as in runningRoundsOf: the partial index applies, and PostgreSQL plans it at once.
  return db.selectFrom('rounds').selectAll().where('channel_id', '=', channelId).where('status', '=', sql.lit('running')).executeTakeFirst();
}

export async function roundById(db: Db | Tx, id: string): Promise<RoundRecord | undefined> {
  return db.selectFrom('rounds').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function playersOf(db: Db | Tx, roundId: string, playerId?: string): Promise<Record<string, PlayerState>> {
  let q = db.selectFrom('round_players').selectAll().where('round_id', '=', roundId);
  if (playerId !== undefined) q = q.where('player_id', '=', playerId);
  const out: Record<string, PlayerState> = {};
  for (const r of await q.execute()) {
    out[r.player_id] = playerOf(r);
  }
  return out;
}

/** The engine's state from the rows (players: those given; the engine needs only the guesser's for a guess). */
export function stateOf(r: RoundView, players: Record<string, PlayerState>): RoundState {
  const config: RoundConfig = {
    id: r.id,
    channelId: r.channel_id,
    scopeId: r.scope_id,
    deckId: r.deck_id,
    itemId: r.item_id,
    mode: r.mode as Mode,
    stepSeconds: r.step_seconds,
    hostId: r.host_id,
    locale: r.locale === 'zh' ? 'zh' : 'en',
  };
  return {
    config,
    status: r.status === 'running' ? 'running' : 'ended',
    step: r.step,
    startedAt: r.started_at,
    deadline: r.due_at,
    players,
    firstSolverId: r.first_solver_id,
    endReason: r.status === 'running' ? null : ((r.end_reason as EndReason | null) ?? 'interrupted'),
    endedAt: r.ended_at,
  };
}

export async function insertRound(
  trx: Tx,
  s: RoundState,
  o: { platform: string; ownerId: string; leaseUntil: number },
): Promise<RoundRecord> {
  const c = s.config;
  const row: RoundRecord = {
    id: c.id,
    platform: o.platform,
    channel_id: c.channelId,
    scope_id: c.scopeId,
    deck_id: c.deckId,
    item_id: c.itemId,
    mode: c.mode,
    step_seconds: c.stepSeconds,
    host_id: c.hostId,
    locale: c.locale,
    status: 'running',
    end_reason: null,
    step: s.step,
    first_solver_id: null,
    started_at: s.startedAt,
    ended_at: null,
    due_at: s.deadline,
    owner_id: o.ownerId,
    lease_until: o.leaseUntil,
    message_ref: null,
    announced: 1,
  };
  await trx.insertInto('rounds').values(row).execute();
  return row;
}

/**
 * Compare-and-set of the round row from `before` to `after`: only if it is still running at the same step
 * (and, for a new first solver, has none yet). Returns false when another input got there first.
 */
export async function casRound(
  trx: Tx,
  before: RoundState,
  after: RoundState,
  owner?: { ownerId: string; leaseUntil: number },
): Promise<boolean> {
  let q = trx
    .updateTable('rounds')
    .set({
      step: after.step,
      status: after.status === 'running' ? 'running' : after.endReason === 'interrupted' ? 'interrupted' : 'ended',
      end_reason: after.endReason,
      ended_at: after.endedAt,
      due_at: after.status === 'running' ? after.deadline : null,
      first_solver_id: after.firstSolverId,
      ...(owner ? { owner_id: owner.ownerId, lease_until: owner.leaseUntil } : {}),
      // An ended round's recap is owed until delivered (`finishRecap`); whoever claims it first sends it.
      ...(after.status !== 'running' ? { announced: 0, owner_id: null, lease_until: null } : {}),
    })
    .where('id', '=', before.config.id)
    .where('status', '=', 'running')
    .where('step', '=', before.step);
  if (after.firstSolverId !== before.firstSolverId) q = q.where('first_solver_id', 'is', null);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The player's row after a guess: insert, or compare-and-set on the guesses they had used. */
export async function savePlayer(trx: Tx, roundId: string, before: PlayerState | undefined, after: PlayerState): Promise<boolean> {
  const values = {
    name: after.name,
    count_step: after.countStep,
    guesses: after.guesses,
    solved_step: after.solvedStep ?? null,
    points: after.points,
  };
  if (!before) {
    await trx.insertInto('round_players').values({ round_id: roundId, player_id: after.id, ...values }).execute();
    return true;
  }
  const res = await trx
    .updateTable('round_players')
    .set(values)
    .where('round_id', '=', roundId)
    .where('player_id', '=', after.id)
    .where('count_step', '=', before.countStep)
    .where('guesses', '=', before.guesses)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Keeps the round message's reference; says whether the round is still running and whether its recap went out. */
export async function setMessageRef(db: Db, roundId: string, ref: string): Promise<{ status: string; announced: number } | undefined> {
  return db.updateTable('rounds').set({ message_ref: ref }).where('id', '=', roundId).returning(['status', 'announced']).executeTakeFirst();
}

/**
 * Heartbeat: extends this instance's leases on the rounds it keeps timers for. With `unlessAfter`, a
 * lease that a step renewed lately (still later than that) is left alone: with thousands of rounds,
 * rewriting every row at every beat costs more than the steps themselves.
 */
export async function renewLeases(db: Db, ownerId: string, until: number, unlessAfter?: number): Promise<void> {
  let q = db.updateTable('rounds').set({ lease_until: until }).where('owner_id', '=', ownerId).where('status', '=', 'running');
  if (unlessAfter !== undefined) q = q.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', unlessAfter)]));
  await q.execute();
}

/** Hands this instance's rounds over (PostgreSQL shutdown): another instance's worker takes the next step. */
export async function releaseLeases(db: Db, ownerId: string): Promise<void> {
  await db.updateTable('rounds').set({ owner_id: null, lease_until: null }).where('owner_id', '=', ownerId).where('status', '=', 'running').execute();
}

/** Running rounds whose owner is gone (lease expired or none): the ones an instance may take over. */
export async function orphanedRounds(db: Db, now: number): Promise<RoundRecord[]> {
  return db
    .selectFrom('rounds')
    .selectAll()
    .where('status', '=', 'running')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('due_at')
    .execute();
}

/** Running rounds held by another owner whose lease has not run out (SQLite: is that owner's process gone?). */
export async function leasedByOthers(db: Db, ownerId: string, now: number): Promise<RoundRecord[]> {
  return db
    .selectFrom('rounds')
    .selectAll()
    .where('status', '=', 'running')
    .where('owner_id', '!=', ownerId)
    .where('lease_until', '>=', now)
    .orderBy('due_at')
    .execute();
}

/** Takes a round from an owner known to be dead, only if that owner still holds it. */
export async function claimFromDead(db: Db, r: RoundRecord, ownerId: string, until: number): Promise<boolean> {
  if (r.owner_id === null) return false;
  const res = await db
    .updateTable('rounds')
    .set({ owner_id: ownerId, lease_until: until })
    .where('id', '=', r.id)
    .where('status', '=', 'running')
    .where('owner_id', '=', r.owner_id)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Takes an orphaned round's lease, only if it is still orphaned (two instances starting together take it once). */
export async function claimLease(db: Db, r: RoundRecord, ownerId: string, now: number, until: number): Promise<boolean> {
  let q = db.updateTable('rounds').set({ owner_id: ownerId, lease_until: until }).where('id', '=', r.id).where('status', '=', 'running');
  q = r.lease_until === null ? q.where('lease_until', 'is', null) : q.where('lease_until', '=', r.lease_until).where('lease_until', '<', now);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/*
 * An ended round owes its channel a recap until one was delivered (`announced` = 0). The recap is not
 * kept in memory: any instance rebuilds it from the rows. To send it, an instance claims the round
 * (the lease columns, unused once a round has ended), so two instances never send it at once; a
 * failed delivery lets the claim go for a retry a little later, by whichever instance looks first.
 */

/** Ended rounds whose recap is owed and not claimed now, oldest first (those that ended after `since`, if given). */
export async function pendingRecaps(db: Db, now: number, o: { platform?: string; since?: number } = {}): Promise<RoundRecord[]> {
  let q = db
    .selectFrom('rounds')
    .selectAll()
    .where('announced', '=', 0)
    .where('status', '!=', 'running')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]));
  if (o.platform) q = q.where('platform', '=', o.platform);
  if (o.since !== undefined) q = q.where('ended_at', '>=', o.since);
  return q.orderBy('ended_at').limit(500).execute();
}

/** Claims an owed recap for `ownerId` until `until`, only if no one holds it; returns the claimed round (the recap is built from it). */
export async function claimRecap(db: Db, roundId: string, ownerId: string, now: number, until: number): Promise<RoundRecord | undefined> {
  return db
    .updateTable('rounds')
    .set({ owner_id: ownerId, lease_until: until })
    .where('id', '=', roundId)
    .where('announced', '=', 0)
    .where('status', '!=', 'running')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .returningAll()
    .executeTakeFirst();
}

/** A claimed recap could not be delivered: it may be tried again from `retryAt`. */
export async function releaseRecap(db: Db, roundId: string, ownerId: string, retryAt: number): Promise<void> {
  await db.updateTable('rounds').set({ lease_until: retryAt }).where('id', '=', roundId).where('owner_id', '=', ownerId).where('announced', '=', 0).execute();
}

/** The recap was delivered. Returns the round message's reference as it is now (a step post may have set it meanwhile). */
export async function finishRecap(db: Db, roundId: string): Promise<{ message_ref: string | null } | undefined> {
  return db
    .updateTable('rounds')
    .set({ announced: 1, owner_id: null, lease_until: null })
    .where('id', '=', roundId)
    .returning(['message_ref'])
    .executeTakeFirst();
}

/** The round that ended last in a channel (a correct guess just after the winner's is still recorded). */
export async function lastEndedRound(db: Db | Tx, channelId: string): Promise<RoundRecord | undefined> {
  return db
    .selectFrom('rounds')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('status', '=', 'ended')
    .orderBy('ended_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
