/**
 * Multi-row statements built and compiled by Kysely once per shape (statement and row count), then run
 * again with new values: the guess path's 50-row statements cost more to build and compile (about a
 * tenth of a guess's CPU) than SQLite took to run some of them. The SQL is Kysely's own, for whichever
 * dialect the database has, and it runs through Kysely's executor like any other query.
 *
 * The first time a shape is seen, `build` runs on marker values (one unique string per value), and the
 * compiled parameters tell where each value goes. So `build` must put every value it is given into a
 * parameter, as is, and the SQL must not depend on the values: rows of fixed keys, no value that is
 * tested or transformed (map `first ? 1 : 0` before, not inside `build`), no `undefined` (it would drop a
 * column). A value that `build` does not bind makes the shape fail when it is compiled.
 */
import { LRUCache } from 'lru-cache';
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

/** A statement's row: one value, a tuple of values, or an object of values. */
type Row = unknown;

interface Shape {
  compiled: CompiledQuery<unknown>;
  /** Per parameter: the row it comes from (-1: a constant of the statement), and the key within the row. */
  rows: Int32Array;
  keys: (string | number | null)[];
  constants: unknown[];
}

const MARK = '\u0000shaped\u0000';

/** Per dialect adapter (one per database handle): shapes by name and row count. */
const shapesByAdapter = new WeakMap<object, LRUCache<string, Shape>>();

function marker(row: number, key: string | number | null): string {
  return `${MARK}${row}\u0000${key === null ? '' : typeof key === 'number' ? `#${key}` : key}`;
}

function markRow(row: Row, i: number): Row {
  if (Array.isArray(row)) return row.map((_, k) => marker(i, k));
  if (row !== null && typeof row === 'object') {
    const out: Record<string, string> = {};
    for (const k of Object.keys(row)) out[k] = marker(i, k);
    return out;
  }
  return marker(i, null);
}

function compileShape<R extends Row>(rows: readonly R[], build: (rows: readonly R[]) => Compilable<unknown>): Shape {
  const compiled = build(rows.map((r, i) => markRow(r, i)) as R[]).compile();
  const n = compiled.parameters.length;
  const shape: Shape = { compiled, rows: new Int32Array(n), keys: new Array(n), constants: new Array(n) };
  const used = new Set<string>();
  compiled.parameters.forEach((p, j) => {
    if (typeof p !== 'string' || !p.startsWith(MARK)) {
      shape.rows[j] = -1;
      shape.keys[j] = null;
      shape.constants[j] = p;
      return;
    }
    used.add(p);
    const [row, key] = p.slice(MARK.length).split('\u0000') as [string, string];
    shape.rows[j] = Number(row);
    shape.keys[j] = key === '' ? null : key.startsWith('#') ? Number(key.slice(1)) : key;
  });
  rows.forEach((r, i) => {
    const keys: (string | number | null)[] = Array.isArray(r) ? r.map((_, k) => k) : r !== null && typeof r === 'object' ? Object.keys(r) : [null];
    for (const k of keys) if (!used.has(marker(i, k))) throw new Error(`shaped statement: value ${i}/${String(k)} is not bound as a parameter`);
  });
  return shape;
}

/**
 * Runs `build(rows)` (a statement over these rows) with its SQL compiled once per `name` and row count.
 * `name` must stand for one statement shape: the same `build` everywhere it is used.
 */
export async function runShaped<R extends Row, O>(
  db: Kysely<any>,
  name: string,
  rows: readonly R[],
  build: (rows: readonly R[]) => Compilable<O>,
): Promise<QueryResult<O>> {
  const adapter = db.getExecutor().adapter;
  let shapes = shapesByAdapter.get(adapter);
  if (!shapes) shapesByAdapter.set(adapter, (shapes = new LRUCache<string, Shape>({ max: 500 })));
  const key = `${name}\u0000${rows.length}`;
  let shape = shapes.get(key);
  if (!shape) shapes.set(key, (shape = compileShape(rows, build)));
  const n = shape.rows.length;
  const parameters: unknown[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const i = shape.rows[j]!;
    if (i < 0) {
      parameters[j] = shape.constants[j];
      continue;
    }
    const k = shape.keys[j]!;
    const v = k === null ? rows[i] : (rows[i] as Record<string | number, unknown>)[k];
    if (v === undefined) throw new Error(`shaped statement ${name}: value ${i}/${String(k)} is undefined`);
    parameters[j] = v;
  }
  const { query, queryId, sql } = shape.compiled;
  return db.executeQuery<O>({ query, queryId, sql, parameters });
}
