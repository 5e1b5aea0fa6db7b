/**
 * Generates the built-in `motion` deck (assets/decks/motion): four actions, each drawn here as
 * eight SVG frames, for the article's first question (a still at 32x32 can show a red fan; only
 * two frames can show that it is waving).
 *
 *   npx tsx src/images/build-motion-deck.ts           # write the files
 *   npx tsx src/images/build-motion-deck.ts --check   # exit 1 if a committed file is stale
 *
 * The drawings are flat shapes on a plain ground, so the motion, not texture, is what the coarse
 * steps can carry. Each item's `image` (its still, for the recap and anything that needs one
 * picture) is its first frame.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeckFile, DeckItem } from './deck-schema.ts';
import { DeckSchema } from './deck-schema.ts';
import { DEFAULT_DECKS_DIR } from './decks.ts';

const SIDE = 256;
const FRAMES = 8;
const CREDIT = 'Drawn for Emergence (SVG frames written by src/images/build-motion-deck.ts)';

const f = (n: number): string => (Math.round(n * 100) / 100).toString();

function svg(body: string, ground = '#dff0fb'): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIDE}" height="${SIDE}" viewBox="0 0 ${SIDE} ${SIDE}">\n` +
    `<rect width="${SIDE}" height="${SIDE}" fill="${ground}"/>\n${body}\n</svg>\n`
  );
}

/** The phase of frame k in a loop of FRAMES, as sin(2πk/FRAMES). */
const wave = (k: number): number => Math.sin((2 * Math.PI * k) / FRAMES);

function fanFrame(k: number): string {
  // The forearm and the fan swing together around the right hand's elbow.
  const angle = 26 * wave(k);
  return svg(
    [
      '<rect y="200" width="256" height="56" fill="#9bc88a"/>',
      '<circle cx="110" cy="70" r="24" fill="#f2c9a0"/>',
      '<rect x="92" y="96" width="36" height="70" rx="8" fill="#3a5ba0"/>',
      '<rect x="94" y="164" width="13" height="40" fill="#333"/>',
      '<rect x="113" y="164" width="13" height="40" fill="#333"/>',
      '<rect x="70" y="104" width="24" height="10" rx="5" fill="#f2c9a0" transform="rotate(30 94 109)"/>',
      '<rect x="126" y="104" width="34" height="10" rx="5" fill="#f2c9a0"/>',
      `<g transform="rotate(${f(angle)} 160 109)">`,
      '<rect x="155" y="60" width="10" height="50" rx="5" fill="#f2c9a0"/>',
      '<path d="M160 62 L118 20 A60 60 0 0 1 202 20 Z" fill="#e0201b"/>',
      '<path d="M160 62 L139 41 M160 62 L160 2 M160 62 L181 41" stroke="#8a0f0c" stroke-width="3"/>',
      '</g>',
    ].join('\n'),
  );
}

function pendulumFrame(k: number): string {
  const angle = 32 * wave(k);
  return svg(
    [
      '<rect x="40" y="20" width="176" height="14" fill="#6b4a2b"/>',
      '<circle cx="128" cy="34" r="6" fill="#333"/>',
      `<g transform="rotate(${f(angle)} 128 34)">`,
      '<rect x="125" y="34" width="6" height="150" fill="#444"/>',
      '<circle cx="128" cy="194" r="26" fill="#d9a521"/>',
      '</g>',
    ].join('\n'),
    '#f4efe4',
  );
}

function ballFrame(k: number): string {
  // A bounce as a parabola in time: top at frame 0, ground at frame 4, squashed there.
  const t = k / FRAMES;
  const h = (2 * t - 1) ** 2; // 1 at the top, 0 on the ground
  const r = 26;
  const squash = k === FRAMES / 2;
  const rx = squash ? r * 1.3 : r;
  const ry = squash ? r * 0.7 : r;
  const cy = 210 - ry - h * 150;
  const shadow = 14 + 22 * (1 - h);
  return svg(
    [
      '<rect y="210" width="256" height="46" fill="#7b8c99"/>',
      `<ellipse cx="128" cy="214" rx="${f(shadow)}" ry="4" fill="#56636d"/>`,
      `<ellipse cx="128" cy="${f(cy)}" rx="${f(rx)}" ry="${f(ry)}" fill="#e4572e"/>`,
      `<path d="M${f(128 - rx)} ${f(cy)} Q128 ${f(cy - ry * 0.5)} ${f(128 + rx)} ${f(cy)}" stroke="#fff" stroke-width="4" fill="none"/>`,
    ].join('\n'),
  );
}

function windmillFrame(k: number): string {
  // Four blades repeat every 90 degrees, so eight frames of 11.25 degrees loop without a jump.
  const angle = (90 / FRAMES) * k;
  const blades = [0, 90, 180, 270]
    .map((a) => `<rect x="124" y="18" width="8" height="72" fill="#5b3b1f" transform="rotate(${a} 128 90)"/><rect x="132" y="22" width="22" height="64" fill="#f6f1e3" stroke="#5b3b1f" stroke-width="2" transform="rotate(${a} 128 90)"/>`)
    .join('\n');
  return svg(
    [
      '<rect y="220" width="256" height="36" fill="#8fbf6a"/>',
      '<path d="M100 220 L112 96 L144 96 L156 220 Z" fill="#b5653a"/>',
      '<rect x="120" y="186" width="16" height="34" fill="#5b3b1f"/>',
      `<g transform="rotate(${f(angle)} 128 90)">`,
      blades,
      '</g>',
      '<circle cx="128" cy="90" r="7" fill="#333"/>',
    ].join('\n'),
  );
}

interface Motion {
  id: string;
  draw: (k: number) => string;
  answers: DeckItem['answers'];
  aliases: string[];
  category: DeckItem['category'];
  shows: string;
}

const MOTIONS: Motion[] = [
  {
    id: 'waving-fan',
    draw: fanFrame,
    answers: { en: 'waving a fan', zh: '挥扇子' },
    aliases: ['waving a red fan', 'fanning', 'fan waving', 'waving fan', 'waving', 'someone waving a fan', '扇扇子', '摇扇子', '挥舞扇子', '挥动扇子', '扇风'],
    category: { en: 'a person doing something', zh: '有人在做某事' },
    shows: 'A figure waving a red fan, the forearm and the fan swinging back and forth',
  },
  {
    id: 'swinging-pendulum',
    draw: pendulumFrame,
    answers: { en: 'swinging pendulum', zh: '摆动的钟摆' },
    aliases: ['pendulum swinging', 'a pendulum swinging', 'swinging', 'pendulum', 'a swinging pendulum', '钟摆摆动', '钟摆', '摆锤', '单摆', '摆动'],
    category: { en: 'something moving', zh: '在动的东西' },
    shows: 'A pendulum hanging from a beam, swinging from side to side',
  },
  {
    id: 'bouncing-ball',
    draw: ballFrame,
    answers: { en: 'bouncing ball', zh: '弹跳的球' },
    aliases: ['ball bouncing', 'a ball bouncing', 'a bouncing ball', 'bouncing', 'ball', '球在弹跳', '弹球', '跳动的球', '皮球', '球'],
    category: { en: 'something moving', zh: '在动的东西' },
    shows: 'A red ball falling, squashing on the ground and bouncing back up',
  },
  {
    id: 'turning-windmill',
    draw: windmillFrame,
    answers: { en: 'turning windmill', zh: '转动的风车' },
    aliases: ['windmill turning', 'a windmill turning', 'spinning windmill', 'rotating windmill', 'windmill', '风车转动', '风车在转', '旋转的风车', '风车'],
    category: { en: 'something moving', zh: '在动的东西' },
    shows: 'A windmill whose four sails turn round',
  },
];

export function motionDeck(): { deck: DeckFile; files: Map<string, string> } {
  const files = new Map<string, string>();
  const items: DeckItem[] = MOTIONS.map((m) => {
    const frames: string[] = [];
    for (let k = 0; k < FRAMES; k++) {
      const name = `${m.id}-${k + 1}.svg`;
      files.set(name, m.draw(k));
      frames.push(name);
    }
    files.set(`${m.id}.svg`, m.draw(0));
    files.set(
      `${m.id}.txt`,
      [
        `file: ${m.id}.svg (its still: frame 1) and ${m.id}-1.svg … ${m.id}-${FRAMES}.svg (hand-written SVG, ${SIDE}x${SIDE}, ${FRAMES} frames)`,
        `shows: ${m.shows}`,
        'category: motion',
        'source: drawn for Emergence (this repository), by src/images/build-motion-deck.ts',
        'licence: CC0-1.0',
        'licence evidence: original drawing made for this project and dedicated to the public domain under CC0-1.0.',
        '',
      ].join('\n'),
    );
    return {
      id: m.id,
      image: `${m.id}.svg`,
      frames,
      answers: m.answers,
      aliases: m.aliases,
      category: m.category,
      famous: false,
      credit: CREDIT,
      licence: 'CC0-1.0',
    };
  });
  const deck = DeckSchema.parse({
    id: 'motion',
    name: { en: 'Motion', zh: '动起来' },
    description: {
      en: 'Short animations: what is happening? The article asks whether 32x32 pixels can show that a fan is waving; two frames can.',
      zh: '几帧小动画：发生了什么？文章问，32×32 的图能否看出扇子在挥动；两帧就能。',
    },
    items,
  });
  files.set('deck.json', `${JSON.stringify(deck, null, 2)}\n`);
  return { deck, files };
}

async function main(): Promise<void> {
  const dir = path.join(DEFAULT_DECKS_DIR, 'motion');
  const { files } = motionDeck();
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  if (!check) await mkdir(dir, { recursive: true });
  for (const [name, text] of files) {
    const file = path.join(dir, name);
    if (check) {
      const old = await readFile(file, 'utf8').catch(() => null);
      if (old !== text) stale.push(name);
    } else await writeFile(file, text);
  }
  if (stale.length) {
    console.error(`stale: ${stale.join(', ')}; run npx tsx src/images/build-motion-deck.ts`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
