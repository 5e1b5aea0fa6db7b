/**
 * Demonstration pictures for /explain, made with the ladder code, drawn once and kept.
 *   mona-lisa-strip        the Mona Lisa's six steps and the original
 *   famous-vs-unknown-16   the 16x16 Mona Lisa beside a 16x16 less-known painting
 *   step-32                a 32x32 step (the article's own boat picture)
 *   fan-two-frames         an animated two-frame GIF at 32x32 of a figure waving a red fan
 */
import { loadSharp } from '../images/load-sharp.ts';
import type { ReplyImage } from '../core/reply.ts';
import type { DeckCatalog } from '../images/decks.ts';
import type { LadderCache } from '../images/ladder-cache.ts';
import { buildLadder, upscale } from '../images/ladder.ts';
import type { KnowledgeDemo } from './schema.ts';

const SIDE = 256;
const GAP = 16;

/** A figure with a red fan; `angle` tilts the fan (two frames = a wave). Drawn for Emergence (CC0). */
export function fanFigureSvg(angle: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <rect width="256" height="256" fill="#f3ead7"/>
  <rect y="200" width="256" height="56" fill="#c9b48a"/>
  <circle cx="112" cy="62" r="26" fill="#f1c9a5"/>
  <path d="M86 58 Q112 24 138 58 Z" fill="#2b2118"/>
  <path d="M82 96 Q112 84 142 96 L150 196 L74 196 Z" fill="#2f5d9b"/>
  <rect x="84" y="196" width="18" height="44" fill="#3a2c22"/>
  <rect x="122" y="196" width="18" height="44" fill="#3a2c22"/>
  <path d="M86 104 L58 170" stroke="#f1c9a5" stroke-width="14" stroke-linecap="round"/>
  <g transform="rotate(${angle} 150 110)">
    <path d="M138 108 L176 60" stroke="#f1c9a5" stroke-width="14" stroke-linecap="round"/>
    <path d="M178 58 L150 6 A58 58 0 0 1 232 30 Z" fill="#d81e1e"/>
    <path d="M178 58 L168 14 M178 58 L190 10 M178 58 L210 18" stroke="#8e0f0f" stroke-width="3"/>
  </g>
</svg>`;
}

export class Demos {
  private readonly made = new Map<KnowledgeDemo, Promise<ReplyImage>>();

  constructor(
    private readonly decks: DeckCatalog,
    private readonly ladders: LadderCache,
  ) {}

  /** The picture for a demo id; drawn on first use, then kept. */
  get(demo: KnowledgeDemo): Promise<ReplyImage> {
    let p = this.made.get(demo);
    if (!p) {
      p = this.draw(demo);
      p.catch(() => this.made.delete(demo));
      this.made.set(demo, p);
    }
    return p;
  }

  private path(itemId: string): { path: string; focus?: { x: number; y: number } } {
    const found = this.decks.find(itemId);
    if (!found) throw new Error(`demo picture ${itemId} is not in any deck`);
    return { path: this.decks.imagePath(found.deck, found.item), focus: found.item.focus };
  }

  private async draw(demo: KnowledgeDemo): Promise<ReplyImage> {
    switch (demo) {
      case 'mona-lisa-strip': {
        const m = this.path('mona-lisa');
        return { name: 'demo-steps.png', data: await this.ladders.stripFile(m.path, { focus: m.focus }), alt: 'Mona Lisa, 2x2 to 64x64' };
      }
      case 'famous-vs-unknown-16': {
        const pictures = [this.path('mona-lisa'), this.path('duncanson-landscape')];
        const tiles = await Promise.all(
          pictures.map(async (p) => (await this.ladders.getFile(p.path, { size: SIDE, focus: p.focus })).means[3]!),
        );
        const sharp = await loadSharp();
        const data = await sharp({ create: { width: SIDE * 2 + GAP, height: SIDE, channels: 3, background: '#ffffff' } })
          .composite(
            tiles.map((means, i) => ({
              input: upscale(means, 16, SIDE),
              raw: { width: SIDE, height: SIDE, channels: 3 as const },
              left: i * (SIDE + GAP),
              top: 0,
            })),
          )
          .png()
          .toBuffer();
        return { name: 'demo-16x16.png', data, alt: '16x16: the Mona Lisa (left) and a less-known landscape (right)' };
      }
      case 'step-32': {
        const boat = this.path('boat-on-lake');
        const ladder = await this.ladders.getFile(boat.path, { size: SIDE * 2, focus: boat.focus });
        return { name: 'demo-32x32.png', data: ladder.steps[4]!, alt: 'A picture at 32x32 pixels' };
      }
      case 'fan-two-frames': {
        const frames = await Promise.all(
          [-25, 20].map(async (angle) => upscale((await buildLadder(Buffer.from(fanFigureSvg(angle)), { size: SIDE })).means[4]!, 32, SIDE)),
        );
        const sharp = await loadSharp();
        const data = await sharp(Buffer.concat(frames), { raw: { width: SIDE, height: SIDE * 2, channels: 3, pageHeight: SIDE } })
          .gif({ delay: [450, 450], loop: 0 })
          .toBuffer();
        return { name: 'demo-fan.gif', data, alt: 'Two 32x32 frames of a figure waving a red fan' };
      }
    }
  }
}
