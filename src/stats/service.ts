/**
 * The statistics and privacy service behind /stats and /privacy: runs the SQL (./queries.ts), names
 * the pictures from the deck catalogue, and turns rows into figures (src/core/stats/figures.ts).
 */
import { randomInt } from 'node:crypto';
import type { Caller } from '../core/commands/define.ts';
import type { PrivacyPort, StatsPort } from '../core/commands/services.ts';
import { UserError } from '../core/errors.ts';
import { userText } from '../core/reply.ts';
import {
  curveFromAttempts,
  personalFigures,
  type AttemptRow,
  type Curve,
  type PersonalRecognition,
} from '../core/stats/figures.ts';
import type {
  DeckStats,
  ForgetRequest,
  KnowledgeGroupId,
  KnowledgeStats,
  PersonalStats,
  PictureCurves,
  PictureRef,
  PictureStats,
  PrivacyCounts,
  ServerStats,
} from '../core/stats/reports.ts';
import type { DeckCatalog, DeckItem } from '../images/decks.ts';
import type { Clock } from '../runtime/clock.ts';
import { countWrongTry, dropForgetCode, getForgetCode, putForgetCode } from '../storage/forget-codes.ts';
import { releaseDailyPlays } from '../storage/daily-record.ts';
import type { Store } from '../storage/store.ts';
import { t } from '../views/i18n.ts';
import {
  allAttempts,
  attemptsOnPlayersRecognised,
  deckAttempts,
  forgetPlayer,
  pictureAttempts,
  pictureServers,
  playerFirstEncounters,
  playerFootprint,
  serverAttempts,
  serverTotals,
  wrongGuesses,
  type AttemptCountRow,
} from './queries.ts';

export interface StatsServiceOptions {
  store: Store;
  decks: DeckCatalog;
  clock: Clock;
  /** How long a forget-me confirmation code stays valid (default 10 minutes). */
  confirmMinutes?: number;
  /** How long the knowledge-effect figures (a scan of every guess) are reused (default 60 s). */
  knowledgeCacheMs?: number;
}

/** Easy to read aloud and to type: no 0/O, 1/I/L. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;
const MAX_CODE_TRIES = 5;

export const KNOWLEDGE_GROUPS: { id: KnowledgeGroupId; has(item: DeckItem): boolean }[] = [
  { id: 'famous', has: (i) => i.famous },
  { id: 'less-known', has: (i) => !i.famous },
  { id: 'flags', has: (i) => i.category.en.toLowerCase() === 'flag' },
  { id: 'paintings', has: (i) => i.category.en.toLowerCase() === 'painting' },
];

const here = (rows: readonly AttemptCountRow[]): AttemptRow[] => rows.map((r) => ({ recStep: r.recStep, seen: r.seen, n: r.here }));

/** Groups rows by picture, keeping the database's order. */
function byPicture(rows: readonly AttemptCountRow[]): Map<string, AttemptCountRow[]> {
  const m = new Map<string, AttemptCountRow[]>();
  for (const r of rows) {
    const k = `${r.deckId}/${r.itemId}`;
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** Earliest threshold first (pictures nobody recognised last), then most attempts. */
function byThreshold(a: { curve: Curve }, b: { curve: Curve }): number {
  const ta = a.curve.threshold ?? 99;
  const tb = b.curve.threshold ?? 99;
  return ta - tb || b.curve.attempts - a.curve.attempts;
}

export class StatsService implements StatsPort, PrivacyPort {
  private knowledgeCache: { at: number; value: KnowledgeStats } | null = null;

  constructor(private readonly o: StatsServiceOptions) {}

  private get db() {
    return this.o.store.db;
  }

  /** Names a picture from the catalogue; a picture no longer in any deck is named by its id. */
  ref(deckId: string, itemId: string): PictureRef {
    const deck = this.o.decks.get(deckId);
    const item = deck?.items.find((i) => i.id === itemId);
    if (!deck || !item) {
      return {
        deckId,
        itemId,
        name: { en: itemId, zh: itemId },
        deckName: deck?.name ?? { en: deckId, zh: deckId },
        famous: false,
        category: { en: '', zh: '' },
      };
    }
    return { deckId, itemId, name: item.answers, deckName: deck.name, famous: item.famous, category: item.category };
  }

  /** `mona-lisa`, `masterpieces/mona-lisa`, `Mona Lisa` or `蒙娜丽莎` → the picture. */
  resolvePicture(target: string): { deckId: string; itemId: string } {
    const raw = target.trim();
    const key = raw.toLowerCase();
    const slash = /^([a-z0-9][a-z0-9-]*)\/([a-z0-9][a-z0-9-]*)$/.exec(key);
    if (slash) {
      if (this.o.decks.item(slash[1]!, slash[2]!)) return { deckId: slash[1]!, itemId: slash[2]! };
    } else {
      const found = this.o.decks.find(key);
      if (found) return { deckId: found.deck.id, itemId: found.item.id };
      const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
      const wanted = squash(raw);
      for (const deck of this.o.decks.list()) {
        for (const item of deck.items) {
          const names = [item.answers.en, item.answers.zh, ...item.aliases].map(squash);
          if (names.includes(wanted)) return { deckId: deck.id, itemId: item.id };
        }
      }
    }
    throw new UserError('stats-unknown-picture', { picture: userText(raw, 64) });
  }

  /** Lets the daily plays of days that are over into the figures (they wait until then: see releaseDailyPlays). */
  async releaseDaily(): Promise<void> {
    await releaseDailyPlays(this.db, this.o.clock.now());
  }

  async picture(caller: Caller, target: string): Promise<PictureStats> {
    const { deckId, itemId } = this.resolvePicture(target);
    await this.releaseDaily();
    const rows = await pictureAttempts(this.db, deckId, itemId, caller.scopeId);
    return {
      picture: this.ref(deckId, itemId),
      everywhere: curveFromAttempts(rows),
      here: curveFromAttempts(here(rows)),
      servers: await pictureServers(this.db, deckId, itemId),
      wrong: await wrongGuesses(this.db, deckId, itemId, 3),
    };
  }

  async deck(caller: Caller, deckId: string): Promise<DeckStats> {
    const id = deckId.trim().toLowerCase();
    const deck = this.o.decks.get(id);
    if (!deck) {
      throw new UserError('unknown-deck', {
        deck: userText(deckId, 40),
        decks: this.o.decks.list().map((d) => d.id).join(', '),
      });
    }
    await this.releaseDaily();
    const grouped = byPicture(await deckAttempts(this.db, deck.id, caller.scopeId));
    const pictures: PictureCurves[] = [];
    for (const item of deck.items) {
      const rows = grouped.get(`${deck.id}/${item.id}`);
      if (!rows) continue;
      pictures.push({ picture: this.ref(deck.id, item.id), everywhere: curveFromAttempts(rows), here: curveFromAttempts(here(rows)) });
    }
    pictures.sort((a, b) => byThreshold({ curve: a.everywhere }, { curve: b.everywhere }));
    return { deckId: deck.id, name: deck.name, pictures, unplayed: deck.items.length - pictures.length };
  }

  async server(caller: Caller): Promise<ServerStats> {
    await this.releaseDaily();
    const totals = await serverTotals(this.db, caller.scopeId);
    const mine: { deckId: string; itemId: string; here: Curve }[] = [];
    for (const rows of byPicture(await serverAttempts(this.db, caller.scopeId)).values()) {
      const h = curveFromAttempts(here(rows));
      if (h.attempts > 0) mine.push({ deckId: rows[0]!.deckId, itemId: rows[0]!.itemId, here: h });
    }
    mine.sort((a, b) => b.here.attempts - a.here.attempts || byThreshold({ curve: a.here }, { curve: b.here }));
    const pictures: PictureCurves[] = [];
    for (const p of mine.slice(0, 10)) {
      const everywhere = curveFromAttempts(await pictureAttempts(this.db, p.deckId, p.itemId));
      pictures.push({ picture: this.ref(p.deckId, p.itemId), everywhere, here: p.here });
    }
    return { ...totals, pictures, pictureCount: mine.length };
  }

  async knowledge(_caller: Caller): Promise<KnowledgeStats> {
    const now = this.o.clock.now();
    const ttl = this.o.knowledgeCacheMs ?? 60_000;
    if (this.knowledgeCache && now - this.knowledgeCache.at < ttl) return this.knowledgeCache.value;
    await this.releaseDaily();
    const value = this.knowledgeOf(await allAttempts(this.db));
    this.knowledgeCache = { at: now, value };
    return value;
  }

  /** Pools every picture's attempts into the knowledge groups (a picture may be in two: famous and painting). */
  knowledgeOf(rows: readonly AttemptCountRow[]): KnowledgeStats {
    const pooled = new Map<KnowledgeGroupId, { pictures: number; rows: AttemptRow[] }>(
      KNOWLEDGE_GROUPS.map((g) => [g.id, { pictures: 0, rows: [] }]),
    );
    for (const list of byPicture(rows).values()) {
      const item = this.o.decks.item(list[0]!.deckId, list[0]!.itemId);
      if (!item) continue;
      for (const g of KNOWLEDGE_GROUPS) {
        if (!g.has(item)) continue;
        const p = pooled.get(g.id)!;
        p.pictures++;
        p.rows.push(...list);
      }
    }
    return {
      groups: KNOWLEDGE_GROUPS.map((g) => {
        const p = pooled.get(g.id)!;
        return { id: g.id, pictures: p.pictures, curve: curveFromAttempts(p.rows) };
      }),
    };
  }

  async me(caller: Caller): Promise<PersonalStats> {
    await this.releaseDaily();
    const mine = await playerFirstEncounters(this.db, caller.userId);
    const recognised = mine.filter((m) => m.recStep !== null);
    const everyone = byPicture(recognised.length ? await attemptsOnPlayersRecognised(this.db, caller.userId) : []);
    const recognitions: PersonalRecognition[] = recognised.map((m) => ({
      step: m.recStep!,
      everyonePerStep: curveFromAttempts(everyone.get(`${m.deckId}/${m.itemId}`) ?? []).perStep,
    }));
    return personalFigures(mine.length, recognitions);
  }

  async targets(caller: Caller, partial: string): Promise<{ value: string; label: string }[]> {
    const q = partial.trim().toLowerCase();
    const zh = caller.locale === 'zh';
    const counts = new Map<string, number>();
    for (const d of this.o.decks.list()) for (const i of d.items) counts.set(i.id, (counts.get(i.id) ?? 0) + 1);
    const out: { value: string; label: string; rank: number }[] = [];
    const rank = (...names: string[]) => {
      if (!q) return 1;
      const lower = names.map((n) => n.toLowerCase());
      if (lower.some((n) => n.startsWith(q))) return 0;
      if (lower.some((n) => n.includes(q))) return 1;
      return -1;
    };
    for (const d of this.o.decks.list()) {
      const r = rank(d.id, d.name.en, d.name.zh);
      if (r >= 0) out.push({ value: d.id, label: t(caller.locale, 'stats.target.deck', { name: zh ? d.name.zh : d.name.en }), rank: r });
    }
    for (const d of this.o.decks.list()) {
      for (const i of d.items) {
        const r = rank(i.id, i.answers.en, i.answers.zh);
        if (r < 0) continue;
        const value = (counts.get(i.id) ?? 0) > 1 ? `${d.id}/${i.id}` : i.id;
        out.push({ value, label: `${zh ? i.answers.zh : i.answers.en} · ${zh ? d.name.zh : d.name.en}`, rank: r });
      }
    }
    return out
      .sort((a, b) => a.rank - b.rank)
      .slice(0, 25)
      .map(({ value, label }) => ({ value, label: label.slice(0, 100) }));
  }

  // ---- privacy ----

  counts(caller: Caller): Promise<PrivacyCounts> {
    return playerFootprint(this.db, caller.userId);
  }

  async requestForget(caller: Caller): Promise<ForgetRequest> {
    const minutes = this.o.confirmMinutes ?? 10;
    let code = '';
    for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    await putForgetCode(this.db, caller.userId, { code, expiresAt: this.o.clock.now() + minutes * 60_000, tries: 0 });
    return { code, minutes, counts: await this.counts(caller) };
  }

  async confirmForget(caller: Caller, code: string): Promise<PrivacyCounts> {
    const p = await getForgetCode(this.db, caller.userId);
    if (!p) throw new UserError('privacy-no-request');
    if (this.o.clock.now() > p.expiresAt) {
      await dropForgetCode(this.db, caller.userId);
      throw new UserError('privacy-expired');
    }
    if (code.trim().toUpperCase() !== p.code) {
      if (p.tries + 1 >= MAX_CODE_TRIES) await dropForgetCode(this.db, caller.userId);
      else await countWrongTry(this.db, caller.userId);
      throw new UserError('privacy-bad-code');
    }
    await dropForgetCode(this.db, caller.userId);
    const counts = await forgetPlayer(this.db, caller.userId);
    this.knowledgeCache = null;
    return counts;
  }
}
