/**
 * The daily challenge: one picture a day (UTC) for everyone, played privately at each player's pace.
 * A play's whole state is one row of `daily_plays`, changed by compare-and-set on its version, so it
 * survives restarts and any instance can take the next button. A finished play enters the statistics
 * as a first encounter (a closed round of mode `daily`, its guesses, the player's recognition) once its
 * UTC day is over (src/storage/daily-record.ts): earlier, `/stats` would show which picture is today's.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Caller } from '../core/commands/define.ts';
import {
  DEFAULT_DAILY_DECKS,
  dailyCurve,
  dailyItem,
  dayNumber,
  guessPlay,
  nextStep,
  shareLine,
  startPlay,
  streak,
  utcDay,
  type DailyEvent,
  type DailyPlay,
  type PoolItem,
} from '../core/daily/daily.ts';
import type { DailyOutcome, DailyPort, DailyStats, DailyToday } from '../core/daily/port.ts';
import { UserError } from '../core/errors.ts';
import { GUESSES_PER_STEP } from '../core/game/round.ts';
import { compileAnswers, judge, normalizeGuess, rivalKeys, type CompiledAnswers } from '../core/game/judge.ts';
import { provideKnownChineseTables } from './known-chinese.ts';
import { sanitizeUserText } from '../core/reply.ts';
import type { DeckCatalog, DeckItem, Deck } from '../images/decks.ts';
import type { LadderCache } from '../images/ladder-cache.ts';
import { toPlay } from '../storage/daily-record.ts';
import type { Database, DailyPlaysTable } from '../storage/schema.ts';
import type { Clock } from './clock.ts';

export interface DailyServiceOptions {
  db: Kysely<Database>;
  decks: DeckCatalog;
  ladders: LadderCache;
  clock: Clock;
  log: Logger;
  /** DAILY_DECKS: the decks the pictures come from. */
  deckIds?: readonly string[];
  /** DAILY_DATE: play this day instead of today (tests, replaying a day). */
  date?: string;
  displaySize?: number;
}

interface Today extends DailyToday {
  deck: Deck;
  item: DeckItem;
}

/** Tries of a compare-and-set before giving up (two buttons of one player at the same moment). */
const CAS_TRIES = 5;

export class DailyService implements DailyPort {
  private readonly compiled = new Map<string, CompiledAnswers>();

  constructor(private readonly o: DailyServiceOptions) {
    provideKnownChineseTables();
  }

  /** The pictures the days are drawn from: every item of the configured decks that exist. */
  pool(): PoolItem[] {
    const ids = this.o.deckIds ?? DEFAULT_DAILY_DECKS;
    return ids.flatMap((id) => this.o.decks.get(id)?.items.map((it) => ({ deckId: id, itemId: it.id })) ?? []);
  }

  /** Today's day, number and picture. */
  today(): Today {
    const day = this.o.date ?? utcDay(this.o.clock.now());
    const pool = this.pool();
    if (pool.length === 0) throw new UserError('daily-unavailable');
    const number = dayNumber(day);
    const pick = dailyItem(pool, number);
    const deck = this.o.decks.get(pick.deckId)!;
    const item = deck.items.find((i) => i.id === pick.itemId)!;
    return { day, number, deck, item };
  }

  async play(caller: Caller): Promise<DailyOutcome> {
    const today = this.today();
    let row = await this.load(today.day, caller.userId);
    if (!row) {
      await this.o.db
        .insertInto('daily_plays')
        .values(this.newRow(caller, today))
        .onConflict((oc) => oc.columns(['day', 'player_id']).doNothing())
        .execute();
      row = (await this.load(today.day, caller.userId))!;
      return this.stepOutcome(today, toPlay(row), row.version > 1 || row.started_at !== this.o.clock.now());
    }
    const play = toPlay(row);
    if (play.finished) return this.finishedOutcome(today, play, false);
    return this.stepOutcome(today, play, true);
  }

  async next(caller: Caller): Promise<DailyOutcome> {
    return this.change(caller, (play) => nextStep(play));
  }

  async guess(caller: Caller, text: string): Promise<DailyOutcome> {
    const clean = sanitizeUserText(text, 300);
    if (!clean) throw new UserError('daily-empty-guess');
    const today = this.today();
    const verdict = judge(clean, this.compile(today.deck, today.item));
    const textNorm = normalizeGuess(clean);
    return this.change(caller, (play) => guessPlay(play, textNorm, verdict, this.o.clock.now()));
  }

  async share(caller: Caller): Promise<(DailyToday & { share: string }) | null> {
    const today = this.today();
    const row = await this.load(today.day, caller.userId);
    if (!row || !row.finished) return null;
    return { day: today.day, number: today.number, share: shareLine(today.number, toPlay(row)) };
  }

  async stats(caller: Caller): Promise<DailyStats | null> {
    const today = this.today();
    const mine = await this.load(today.day, caller.userId);
    // Hidden until the player has finished: the curve would hint at when people know it.
    if (!mine || !mine.finished) return null;
    const rows = await this.o.db
      .selectFrom('daily_plays')
      .select('known_step')
      .where('day', '=', today.day)
      .where('scope_id', '=', caller.scopeId)
      .where('finished', '=', 1)
      .execute();
    const days = await this.o.db
      .selectFrom('daily_plays')
      .select('day')
      .where('player_id', '=', caller.userId)
      .where('finished', '=', 1)
      .where('day', '<=', today.day)
      .orderBy('day', 'desc')
      .limit(3660)
      .execute();
    return {
      day: today.day,
      number: today.number,
      curve: dailyCurve(rows.map((r) => r.known_step)),
      streak: streak(new Set(days.map((d) => d.day)), today.day),
      knownStep: mine.known_step,
    };
  }

  /** Applies a pure change to the player's play by compare-and-set; an ending also writes the statistics. */
  private async change(caller: Caller, fn: (play: DailyPlay) => { play: DailyPlay; events: DailyEvent[] }): Promise<DailyOutcome> {
    const today = this.today();
    for (let attempt = 0; attempt < CAS_TRIES; attempt++) {
      const row = await this.load(today.day, caller.userId);
      if (!row) throw new UserError('daily-not-started');
      const before = toPlay(row);
      const { play, events } = fn(before);
      const refused = events.find((e) => e.kind === 'refused');
      if (refused?.kind === 'refused') {
        if (refused.reason === 'finished') return this.finishedOutcome(today, before, false);
        return { day: today.day, number: today.number, kind: 'limit', step: before.step };
      }
      const ended = play.finished && !before.finished;
      const won = await this.o.db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('daily_plays')
          .set({
            step: play.step,
            guesses_at_step: play.guessesAtStep,
            known_step: play.knownStep,
            finished: play.finished ? 1 : 0,
            guesses: JSON.stringify(play.guesses),
            version: row.version + 1,
            finished_at: ended ? this.o.clock.now() : row.finished_at,
            name: caller.userName,
          })
          .where('day', '=', today.day)
          .where('player_id', '=', caller.userId)
          .where('version', '=', row.version)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return false;
        return true;
      });
      if (!won) continue;
      if (play.finished) return this.finishedOutcome(today, play, ended);
      const guessed = events.find((e) => e.kind === 'guessed');
      if (guessed?.kind === 'guessed') {
        return {
          day: today.day,
          number: today.number,
          kind: 'wrong',
          close: guessed.verdict === 'close',
          step: play.step,
          guessesLeft: guessed.left,
        };
      }
      return this.stepOutcome(today, play, false);
    }
    throw new UserError('daily-busy');
  }

  private async stepOutcome(today: Today, play: DailyPlay, resumed: boolean): Promise<DailyOutcome> {
    const ladder = await this.o.ladders.getFile(this.o.decks.imagePath(today.deck, today.item), {
      size: this.o.displaySize ?? 512,
      focus: today.item.focus,
    });
    return {
      day: today.day,
      number: today.number,
      kind: 'step',
      step: play.step,
      guessesLeft: GUESSES_PER_STEP - play.guessesAtStep,
      image: ladder.steps[play.step - 1]!,
      resumed,
    };
  }

  private finishedOutcome(today: Today, play: DailyPlay, justNow: boolean): DailyOutcome {
    return {
      day: today.day,
      number: today.number,
      kind: 'finished',
      justNow,
      knownStep: play.knownStep,
      stepsSeen: play.knownStep ?? play.step,
      share: shareLine(today.number, play),
      answer: today.item.answers,
      credit: today.item.credit,
      licence: today.item.licence,
    };
  }

  private newRow(caller: Caller, today: Today): DailyPlaysTable {
    const play = startPlay(today.day);
    return {
      day: today.day,
      player_id: caller.userId,
      name: caller.userName,
      platform: caller.platform,
      channel_id: caller.channelId,
      scope_id: caller.scopeId,
      locale: caller.locale,
      deck_id: today.deck.id,
      item_id: today.item.id,
      step: play.step,
      guesses_at_step: 0,
      known_step: null,
      finished: 0,
      guesses: '[]',
      version: 1,
      started_at: this.o.clock.now(),
      finished_at: null,
      recorded: 0,
    };
  }

  private load(day: string, playerId: string): Promise<DailyPlaysTable | undefined> {
    return this.o.db.selectFrom('daily_plays').selectAll().where('day', '=', day).where('player_id', '=', playerId).executeTakeFirst();
  }

  private compile(deck: Deck, item: DeckItem): CompiledAnswers {
    const key = `${deck.id}/${item.id}`;
    let c = this.compiled.get(key);
    if (!c) {
      c = compileAnswers(item, { rivals: rivalKeys(deck.items) });
      this.compiled.set(key, c);
    }
    return c;
  }
}
