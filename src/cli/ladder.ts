/**
 * `npm run --silent cli -- ladder <image> --out <dir> [--size 512] [--tile 160] [--focus x,y]`
 *
 * Writes step-1.png … step-6.png (2x2 … 64x64, all shown at --size px) and strip.png (the six
 * steps and the cropped original side by side) into <dir>, creating it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildLadder,
  DEFAULT_SIZE,
  DEFAULT_TILE,
  ImageDecodeError,
  makeStrip,
  MAX_SIZE,
  MIN_SIZE,
  stepFileName,
  type Focus,
} from '../images/ladder.ts';
import { out, err } from './output.ts';

const USAGE = `usage: npm run --silent cli -- ladder <image> --out <dir> [--size ${DEFAULT_SIZE}] [--tile ${DEFAULT_TILE}] [--focus x,y]
  <image>      a picture (JPEG, PNG, WebP, GIF, TIFF, AVIF, SVG...)
  --out DIR    where to write step-1.png … step-6.png and strip.png (created if missing)
  --size PX    display size of every step, ${MIN_SIZE}..${MAX_SIZE} (default ${DEFAULT_SIZE})
  --tile PX    tile size in strip.png (default ${DEFAULT_TILE})
  --focus X,Y  centre of the square crop as fractions of width and height (default: attention)
`;

function fail(message: string, code = 1): number {
  err(`ladder: ${message}\n`);
  return code;
}

function parseInteger(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

function parseFocus(value: string | undefined): Focus | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((p) => p.trim());
  const [x, y] = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !(x >= 0 && x <= 1 && y >= 0 && y <= 1)) {
    throw new RangeError(`--focus must be "x,y" with fractions from 0 to 1, got "${value}"`);
  }
  return { x, y };
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        size: { type: 'string', short: 's' },
        tile: { type: 'string' },
        focus: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return fail(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (positionals.length !== 1) return fail(`expected exactly one image, got ${positionals.length}\n${USAGE}`, 2);
  if (!values.out) return fail(`--out <dir> is required\n${USAGE}`, 2);

  let size: number;
  let tile: number;
  let focus: Focus | undefined;
  try {
    size = parseInteger('size', values.size, DEFAULT_SIZE, MIN_SIZE, MAX_SIZE);
    tile = parseInteger('tile', values.tile, DEFAULT_TILE, 64, 2048);
    focus = parseFocus(values.focus);
  } catch (e) {
    return fail((e as Error).message, 2);
  }

  const image = positionals[0];
  let bytes: Buffer;
  try {
    bytes = await readFile(image);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    return fail(`cannot read ${image}: ${why}`);
  }

  let steps: Uint8Array[];
  let strip: Uint8Array;
  try {
    const ladder = await buildLadder(bytes, { size, focus });
    steps = ladder.steps;
    strip = await makeStrip(ladder, bytes, { tile });
  } catch (e) {
    if (e instanceof ImageDecodeError) return fail(`${image}: ${e.message}`);
    throw e;
  }

  const outDir = values.out;
  try {
    await mkdir(outDir, { recursive: true });
    await Promise.all([
      ...steps.map((png, i) => writeFile(path.join(outDir, stepFileName(i + 1)), png)),
      writeFile(path.join(outDir, 'strip.png'), strip),
    ]);
  } catch (e) {
    return fail(`cannot write to ${outDir}: ${(e as Error).message}`);
  }
  out(`wrote step-1.png … step-6.png (${size}x${size}) and strip.png to ${outDir}\n`);
  return 0;
}
