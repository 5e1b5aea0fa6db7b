/**
 * Ladder cache: ladders keyed by their content hash (sha256 of the picture bytes + options),
 * in a memory LRU and in a folder on disk, so a round starts without decoding again.
 *
 * Disk layout, one folder per ladder: `<dir>/<hash>/step-1.png … step-6.png`, `means.bin`
 * (the six steps' raw RGB means, coarsest first) and `ladder.json` (format, display size,
 * crop box). A folder is written under a temporary name and renamed into place, so a reader
 * never sees half a ladder; anything unreadable or inconsistent is treated as a miss and
 * rebuilt. Concurrent requests for the same hash share one build.
 *
 * Ladders handed out are shared: treat their buffers as read-only.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import pino from 'pino';
import { ImageDecodeError } from './image-input.ts';
import {
  buildLadder,
  contentDigest,
  LADDER_FORMAT,
  ladderKey,
  makeStrip,
  normalizeFocus,
  normalizeSize,
  stepFileName,
  type CropBox,
  type Ladder,
  type LadderOptions,
  type StripOptions,
} from './ladder.ts';
import { STEP_SIDES } from '../core/game/steps.ts';
import { buildMotionLadder, motionKey, type MotionLadder, type MotionOptions } from './motion.ts';

export const DEFAULT_CACHE_DIR = './.cache/ladders';
export const DEFAULT_CACHE_MAX = 64;

/** The part of a pino logger the cache uses. */
export interface CacheLog {
  warn(obj: object, msg: string): void;
}

export interface LadderCacheOptions {
  /** Cache folder; null for memory only. Default `./.cache/ladders`. */
  dir?: string | null;
  /** How many ladders the memory LRU keeps. Default 64. */
  max?: number;
  /**
   * Where disk failures and unreadable pictures are reported (the ladder is still served, or the
   * error still thrown). Default: warnings to stderr.
   */
  log?: CacheLog;
}

export interface LadderCacheStats {
  /** Served from memory. */
  memoryHits: number;
  /** Loaded from the disk folder (no decode). */
  diskHits: number;
  /** Built from the picture (decoded). */
  builds: number;
  /** Requests that joined a build or load already under way. */
  joins: number;
  /** Disk reads or writes that failed (the ladder was still served). */
  diskErrors: number;
}

const MEANS_BYTES = STEP_SIDES.reduce((sum, n) => sum + n * n * 3, 0);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface FileMemo {
  mtimeMs: number;
  size: number;
  ino: number;
  digest: string;
}

interface StoredMeta {
  format: number;
  size: number;
  crop?: CropBox;
}

function isEnoent(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ENOENT';
}

export class LadderCache {
  readonly dir: string | null;
  private readonly log: CacheLog;
  readonly stats: LadderCacheStats = { memoryHits: 0, diskHits: 0, builds: 0, joins: 0, diskErrors: 0 };
  private readonly memory: LRUCache<string, Ladder>;
  private readonly inflight = new Map<string, Promise<Ladder>>();
  /** Resolved path -> digest of its bytes, valid while mtime, size and inode don't change. */
  private readonly files = new LRUCache<string, FileMemo>({ max: 4096 });

  constructor(opts: LadderCacheOptions = {}) {
    this.dir = opts.dir === undefined ? DEFAULT_CACHE_DIR : opts.dir;
    const max = opts.max ?? DEFAULT_CACHE_MAX;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
    this.memory = new LRUCache<string, Ladder>({ max });
    this.log = opts.log ?? pino({ level: 'warn' }, pino.destination({ fd: 2, sync: true }));
  }

  private diskError(err: unknown, op: string, file: string): void {
    this.stats.diskErrors++;
    this.log.warn({ err, file }, `ladder cache: ${op} failed (the picture is still served)`);
  }

  /** The ladder of a picture given as bytes. */
  get(source: Uint8Array, opts: LadderOptions = {}): Promise<Ladder> {
    try {
      return this.byDigest(contentDigest(source), opts, async () => source);
    } catch (e) {
      return Promise.reject(e); // bad options reject like everything else
    }
  }

  /**
   * The ladder of a picture file. The digest of a file is remembered while its mtime, size and
   * inode stay the same, so a hot call costs one `stat` (synchronous: a local stat takes microseconds,
   * and the thread pool's round trip cost about 100 µs of CPU, once per round step).
   */
  async getFile(file: string, opts: LadderOptions = {}): Promise<Ladder> {
    const { digest, bytes } = await this.fileDigest(file);
    try {
      return await this.byDigest(digest, opts, async () => {
        if (bytes) return bytes;
        const fresh = await readFile(file);
        if (contentDigest(fresh) !== digest) throw new Error(`${file} changed while its ladder was being built; try again`);
        return fresh;
      });
    } catch (e) {
      // The player is told the picture can't be shown (a UserError); the operator needs the file.
      if (e instanceof ImageDecodeError) this.log.warn({ file, reason: e.message }, 'picture cannot be played');
      throw e;
    }
  }

  /** Motion ladders live in memory only: a few frames decode quickly, and their GIFs are larger than a still's PNGs. */
  private readonly motions = new LRUCache<string, MotionLadder>({ max: 8 });
  private readonly motionsInflight = new Map<string, Promise<MotionLadder>>();

  /** The motion ladder of a motion item's frames (several stills, or one animated picture). */
  motion(sources: readonly Uint8Array[], opts: MotionOptions = {}): Promise<MotionLadder> {
    let key: string;
    try {
      key = motionKey(sources, opts);
    } catch (e) {
      return Promise.reject(e);
    }
    const hit = this.motions.get(key);
    if (hit) {
      this.stats.memoryHits++;
      return Promise.resolve(hit);
    }
    let work = this.motionsInflight.get(key);
    if (work) {
      this.stats.joins++;
      return work;
    }
    this.stats.builds++;
    work = buildMotionLadder(sources, opts)
      .then((m) => {
        this.motions.set(key, m);
        return m;
      })
      .finally(() => this.motionsInflight.delete(key));
    this.motionsInflight.set(key, work);
    return work;
  }

  /** The recap strip (six steps + the original) of a picture, cached next to its ladder. */
  async strip(source: Uint8Array, opts: LadderOptions & StripOptions = {}): Promise<Uint8Array> {
    const ladder = await this.get(source, opts);
    return this.stripOf(ladder, async () => source, opts);
  }

  /** {@link strip} for a picture file. */
  async stripFile(file: string, opts: LadderOptions & StripOptions = {}): Promise<Uint8Array> {
    const ladder = await this.getFile(file, opts);
    return this.stripOf(ladder, () => readFile(file), opts);
  }

  private byDigest(digest: string, opts: LadderOptions, source: () => Promise<Uint8Array>): Promise<Ladder> {
    const size = normalizeSize(opts.size);
    const focus = normalizeFocus(opts.focus);
    const key = ladderKey(digest, { size, focus });
    const hit = this.memory.get(key);
    if (hit) {
      this.stats.memoryHits++;
      return Promise.resolve(hit);
    }
    const pending = this.inflight.get(key);
    if (pending) {
      this.stats.joins++;
      return pending;
    }
    const work = this.load(key, size, focus, source).finally(() => this.inflight.delete(key));
    this.inflight.set(key, work);
    return work;
  }

  private async load(
    key: string,
    size: number,
    focus: LadderOptions['focus'],
    source: () => Promise<Uint8Array>,
  ): Promise<Ladder> {
    const stored = await this.readDisk(key, size);
    if (stored) {
      this.stats.diskHits++;
      this.memory.set(key, stored);
      return stored;
    }
    const bytes = await source();
    this.stats.builds++;
    const ladder = await buildLadder(bytes, { size, focus });
    if (ladder.hash !== key) throw new Error('ladder hash mismatch (cache key and build disagree)');
    this.memory.set(key, ladder);
    await this.writeDisk(ladder);
    return ladder;
  }

  private async fileDigest(file: string): Promise<{ digest: string; bytes?: Buffer }> {
    const resolved = path.resolve(file);
    const st = statSync(resolved);
    const memo = this.files.get(resolved);
    if (memo && memo.mtimeMs === st.mtimeMs && memo.size === st.size && memo.ino === st.ino) {
      return { digest: memo.digest };
    }
    const bytes = await readFile(resolved);
    const digest = contentDigest(bytes);
    // Remember the stat taken *before* reading: if the file changed meanwhile, the next call
    // sees a different stat and reads it again.
    this.files.set(resolved, { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, digest });
    return { digest, bytes };
  }

  /** Recent strips in memory, and strips being drawn: many rounds ending at once (a shutdown) draw each strip once. */
  private readonly strips = new LRUCache<string, Uint8Array>({ max: 16 });
  private readonly stripsInflight = new Map<string, Promise<Uint8Array>>();

  private stripOf(ladder: Ladder, source: () => Promise<Uint8Array>, opts: StripOptions): Promise<Uint8Array> {
    const name = `strip-${opts.tile ?? 'd'}-${opts.gap ?? 'd'}${opts.background ? `-${opts.background.r}.${opts.background.g}.${opts.background.b}` : ''}.png`;
    const key = `${ladder.hash}/${name}`;
    const hit = this.strips.get(key);
    if (hit) return Promise.resolve(hit);
    let work = this.stripsInflight.get(key);
    if (!work) {
      work = this.loadStrip(ladder, source, opts, name)
        .then((png) => {
          this.strips.set(key, png);
          return png;
        })
        .finally(() => this.stripsInflight.delete(key));
      this.stripsInflight.set(key, work);
    }
    return work;
  }

  private async loadStrip(ladder: Ladder, source: () => Promise<Uint8Array>, opts: StripOptions, name: string): Promise<Uint8Array> {
    const file = this.dir ? path.join(this.dir, ladder.hash, name) : null;
    if (file) {
      try {
        const png = await readFile(file);
        if (png.subarray(0, 8).equals(PNG_SIGNATURE)) return png;
      } catch (e) {
        if (!isEnoent(e)) this.diskError(e, 'reading a strip', file);
      }
    }
    const png = await makeStrip(ladder, await source(), opts);
    if (file) {
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await writeFile(tmp, png);
        await rename(tmp, file);
      } catch (e) {
        this.diskError(e, 'writing a strip', file);
        await rm(tmp, { force: true }).catch((err: unknown) => this.diskError(err, 'removing a temporary file', tmp));
      }
    }
    return png;
  }

  private async readDisk(key: string, size: number): Promise<Ladder | null> {
    if (!this.dir) return null;
    const folder = path.join(this.dir, key);
    try {
      const [metaText, means, ...steps] = await Promise.all([
        readFile(path.join(folder, 'ladder.json'), 'utf8'),
        readFile(path.join(folder, 'means.bin')),
        ...STEP_SIDES.map((_, i) => readFile(path.join(folder, stepFileName(i + 1)))),
      ]);
      const meta = JSON.parse(metaText) as StoredMeta;
      if (meta.format !== LADDER_FORMAT || meta.size !== size || means.length !== MEANS_BYTES) return null;
      for (const png of steps) {
        if (
          png.length < 33 ||
          !png.subarray(0, 8).equals(PNG_SIGNATURE) ||
          png.readUInt32BE(16) !== size ||
          png.readUInt32BE(20) !== size
        ) {
          return null;
        }
      }
      const split: Uint8Array[] = [];
      let at = 0;
      for (const n of STEP_SIDES) {
        split.push(means.subarray(at, at + n * n * 3));
        at += n * n * 3;
      }
      return { hash: key, size, means: split, steps, ...(meta.crop ? { crop: meta.crop } : {}) };
    } catch (e) {
      if (!isEnoent(e)) this.diskError(e, 'reading a ladder', folder);
      return null;
    }
  }

  private async writeDisk(ladder: Ladder): Promise<void> {
    if (!this.dir) return;
    const folder = path.join(this.dir, ladder.hash);
    const tmp = path.join(this.dir, `.tmp-${ladder.hash.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(tmp, { recursive: true });
      const meta: StoredMeta = { format: LADDER_FORMAT, size: ladder.size, ...(ladder.crop ? { crop: ladder.crop } : {}) };
      await Promise.all([
        writeFile(path.join(tmp, 'ladder.json'), `${JSON.stringify(meta)}\n`),
        writeFile(path.join(tmp, 'means.bin'), Buffer.concat(ladder.means)),
        ...ladder.steps.map((png, i) => writeFile(path.join(tmp, stepFileName(i + 1)), png)),
      ]);
      // Replace an older (e.g. corrupt) folder; if another process just wrote the same
      // ladder, either copy is fine.
      await rm(folder, { recursive: true, force: true });
      await rename(tmp, folder);
    } catch (e) {
      this.diskError(e, 'writing a ladder', folder);
    } finally {
      await rm(tmp, { recursive: true, force: true }).catch((err: unknown) => this.diskError(err, 'removing a temporary folder', tmp));
    }
  }
}
