/**
 * Hosted events in the database: the `events` row holds the state the pure engine works on
 * (src/core/events/event.ts); writes are compare-and-set on `seq`, so a timer that fires on two
 * instances moves the event once. Points are never stored twice: they are read from the rounds' rows.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { EventConfig, EventState, EventStatus } from '../core/events/event.ts';
import type { PlayerPoints } from '../core/events/standings.ts';
import type { Mode } from '../core/game/round.ts';
import type { Database, EventsTable } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type EventRecord = Selectable<EventsTable>;

export const OPEN_STATUSES: EventStatus[] = ['scheduled', 'running', 'break'];

export function eventStateOf(r: EventRecord): EventState {
  const config: EventConfig = {
    id: r.id,
    channelId: r.channel_id,
    scopeId: r.scope_id,
    hostId: r.host_id,
    name: r.name,
    deckId: r.deck_id,
    mode: r.mode as Mode,
    rounds: r.rounds,
    stepSeconds: r.step_seconds,
    teams: r.teams,
    items: JSON.parse(r.items) as string[],
    startAt: r.start_at,
    breakSeconds: r.break_seconds,
    locale: r.locale === 'zh' ? 'zh' : 'en',
  };
  return { config, status: r.status as EventStatus, roundIndex: r.round_index, dueAt: r.due_at, seq: r.seq, endedAt: r.ended_at };
}

export async function insertEvent(db: Db, s: EventState, platform: string, now: number): Promise<void> {
  const c = s.config;
  await db
    .insertInto('events')
    .values({
      id: c.id,
      platform,
      channel_id: c.channelId,
      scope_id: c.scopeId,
      host_id: c.hostId,
      name: c.name,
      deck_id: c.deckId,
      mode: c.mode,
      rounds: c.rounds,
      step_seconds: c.stepSeconds,
      break_seconds: c.breakSeconds,
      teams: c.teams,
      items: JSON.stringify(c.items),
      locale: c.locale,
      status: s.status,
      round_index: s.roundIndex,
      start_at: c.startAt,
      due_at: s.dueAt,
      seq: s.seq,
      created_at: now,
      ended_at: s.endedAt,
      platform_ref: null,
    })
    .execute();
}

/** Writes `after` only if the row is still at `before.seq`. */
export async function casEvent(db: Db, before: EventState, after: EventState): Promise<boolean> {
  const res = await db
    .updateTable('events')
    .set({ status: after.status, round_index: after.roundIndex, due_at: after.dueAt, seq: after.seq, ended_at: after.endedAt })
    .where('id', '=', before.config.id)
    .where('seq', '=', before.seq)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function openEventOf(db: Db, channelId: string): Promise<EventRecord | undefined> {
  return db.selectFrom('events').selectAll().where('channel_id', '=', channelId).where('status', 'in', OPEN_STATUSES).executeTakeFirst();
}

export async function lastEventOf(db: Db, channelId: string): Promise<EventRecord | undefined> {
  return db.selectFrom('events').selectAll().where('channel_id', '=', channelId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

export async function eventById(db: Db, id: string): Promise<EventRecord | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function openEvents(db: Db, platform?: string): Promise<EventRecord[]> {
  let q = db.selectFrom('events').selectAll().where('status', 'in', OPEN_STATUSES);
  if (platform) q = q.where('platform', '=', platform);
  return q.execute();
}

export async function eventOfRound(db: Db, roundId: string): Promise<{ event_id: string; idx: number } | undefined> {
  return db.selectFrom('event_rounds').select(['event_id', 'idx']).where('round_id', '=', roundId).executeTakeFirst();
}

export async function eventRounds(db: Db, eventId: string): Promise<{ idx: number; round_id: string; item_id: string }[]> {
  return db.selectFrom('event_rounds').select(['idx', 'round_id', 'item_id']).where('event_id', '=', eventId).orderBy('idx').execute();
}

export async function linkRound(db: Db, eventId: string, idx: number, roundId: string, itemId: string): Promise<void> {
  await db.insertInto('event_rounds').values({ event_id: eventId, idx, round_id: roundId, item_id: itemId }).execute();
}

export async function eventPlayers(db: Db, eventId: string): Promise<{ player_id: string; name: string; team: number | null }[]> {
  return db.selectFrom('event_players').select(['player_id', 'name', 'team']).where('event_id', '=', eventId).orderBy('joined_at').execute();
}

/** Joins, or changes team; returns false when the player had joined already with that team. */
export async function upsertPlayer(db: Db, eventId: string, p: { id: string; name: string; team: number | null }, now: number): Promise<boolean> {
  const prev = await db.selectFrom('event_players').select('team').where('event_id', '=', eventId).where('player_id', '=', p.id).executeTakeFirst();
  if (!prev) {
    await db.insertInto('event_players').values({ event_id: eventId, player_id: p.id, name: p.name, team: p.team, joined_at: now }).execute();
    return true;
  }
  await db.updateTable('event_players').set({ name: p.name, team: p.team }).where('event_id', '=', eventId).where('player_id', '=', p.id).execute();
  return prev.team !== p.team;
}

export async function removePlayer(db: Db, eventId: string, playerId: string): Promise<boolean> {
  const res = await db.deleteFrom('event_players').where('event_id', '=', eventId).where('player_id', '=', playerId).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

export async function setPlatformRef(db: Db, eventId: string, ref: string | null): Promise<void> {
  await db.updateTable('events').set({ platform_ref: ref }).where('id', '=', eventId).execute();
}

/** Marks the reminders sent; false when another instance (or an earlier timer) sent them. */
export async function claimReminder(db: Db, eventId: string): Promise<boolean> {
  const res = await db.updateTable('events').set({ reminded: 1 }).where('id', '=', eventId).where('reminded', '=', 0).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Every guesser of the event's rounds with their points there, and their team if they joined one. */
export async function eventPoints(db: Db, eventId: string): Promise<PlayerPoints[]> {
  const rows = await db
    .selectFrom('event_rounds as er')
    .innerJoin('round_players as rp', 'rp.round_id', 'er.round_id')
    .select(['rp.player_id', 'rp.name', 'rp.points', 'rp.solved_step'])
    .where('er.event_id', '=', eventId)
    .execute();
  const joined = new Map((await eventPlayers(db, eventId)).map((p) => [p.player_id, p]));
  const by = new Map<string, PlayerPoints>();
  for (const r of rows) {
    const p = by.get(r.player_id) ?? { playerId: r.player_id, name: r.name, points: 0, solved: 0, team: joined.get(r.player_id)?.team ?? null };
    p.points += r.points;
    if (r.solved_step !== null) p.solved += 1;
    p.name = r.name;
    by.set(r.player_id, p);
  }
  // Members who joined but have not scored yet still count for their team (with 0 points).
  for (const [id, j] of joined) if (!by.has(id)) by.set(id, { playerId: id, name: j.name, points: 0, solved: 0, team: j.team });
  return [...by.values()];
}
