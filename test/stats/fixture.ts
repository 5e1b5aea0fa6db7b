/**
 * A small set of rounds and guesses, small enough to compute every figure by hand (the tests do,
 * in comments). Written through the real Store API (createRound, recordGuess, setRoundStep, endRound).
 *
 * Servers: A = terminal:s1 (the test callers' server), B = terminal:s2. Players: terminal:<name>.
 *
 * R1  A  masterpieces/mona-lisa  experiment  ran its course (step 7)      p1..p5
 * R2  B  masterpieces/mona-lisa  experiment  interrupted at step 4        p7, p1 (2nd encounter), p6
 * R3  B  masterpieces/mona-lisa  race, hosted by p1, won at step 4        p9, p10, p8
 * R4  A  masterpieces/mona-lisa  still running (step 2)                   p11, p5
 * R5  A  masterpieces/the-kiss   ran its course                           p3, q1, q2
 * R6  A  flags/ad                ran its course                           p3, q1
 * R7  A  everyday/caillebotte-chrysanthemums  ran its course              r2, r1
 */
import type { Store } from '../../src/storage/store.ts';

export const A = 'terminal:s1';
export const B = 'terminal:s2';
export const uid = (name: string) => `terminal:${name}`;

type G = [player: string, step: number, text: string, verdict: 'correct' | 'close' | 'wrong'];

interface R {
  id: string;
  scope: string;
  channel: string;
  deck: string;
  item: string;
  mode: 'race' | 'experiment';
  host?: string;
  /** The last step shown (rounds.step): 7 = the last window after 64×64. */
  lastStep: number;
  end: 'timeout' | 'solved' | 'interrupted' | null;
  guesses: G[];
}

export const ROUNDS: R[] = [
  {
    id: 'R1', scope: A, channel: 'terminal:a1', deck: 'masterpieces', item: 'mona-lisa', mode: 'experiment', lastStep: 7, end: 'timeout',
    guesses: [
      ['p1', 1, 'sunset', 'wrong'],
      ['p5', 1, 'sky', 'wrong'],
      ['p3', 1, 'face', 'wrong'],
      ['p2', 1, 'tree', 'wrong'],
      ['p1', 2, 'mona lisa', 'correct'],
      ['p2', 2, 'sunset', 'wrong'],
      ['p2', 3, 'mona lisa', 'correct'],
      ['p4', 3, 'woman', 'wrong'],
      ['p4', 3, 'sunset', 'wrong'],
      ['p3', 4, 'mona lisa', 'correct'],
      ['p4', 4, 'lisa', 'close'],
      ['p5', 4, 'lady', 'wrong'],
      ['p4', 5, 'mona lisa', 'correct'],
      ['p5', 5, '', 'wrong'],
    ],
  },
  {
    id: 'R2', scope: B, channel: 'terminal:b1', deck: 'masterpieces', item: 'mona-lisa', mode: 'experiment', lastStep: 4, end: 'interrupted',
    guesses: [
      ['p7', 1, 'sunset', 'wrong'],
      ['p1', 1, 'sunset', 'wrong'],
      ['p1', 1, 'mona lisa', 'correct'],
      ['p6', 2, 'mona lisa', 'correct'],
    ],
  },
  {
    id: 'R3', scope: B, channel: 'terminal:b1', deck: 'masterpieces', item: 'mona-lisa', mode: 'race', host: 'p1', lastStep: 4, end: 'solved',
    guesses: [
      ['p9', 2, 'sky', 'wrong'],
      ['p10', 4, 'car', 'wrong'],
      ['p8', 4, 'mona lisa', 'correct'],
    ],
  },
  {
    id: 'R4', scope: A, channel: 'terminal:a2', deck: 'masterpieces', item: 'mona-lisa', mode: 'experiment', lastStep: 2, end: null,
    guesses: [
      ['p11', 1, 'mona lisa', 'correct'],
      ['p5', 1, 'tree', 'wrong'],
    ],
  },
  {
    id: 'R5', scope: A, channel: 'terminal:a1', deck: 'masterpieces', item: 'the-kiss', mode: 'experiment', lastStep: 7, end: 'timeout',
    guesses: [
      ['p3', 2, 'the kiss', 'correct'],
      ['q1', 4, 'the kiss', 'correct'],
      ['q2', 4, 'the kiss', 'correct'],
    ],
  },
  {
    id: 'R6', scope: A, channel: 'terminal:a1', deck: 'flags', item: 'ad', mode: 'experiment', lastStep: 7, end: 'timeout',
    guesses: [
      ['p3', 1, 'france', 'wrong'],
      ['q1', 3, 'andorra', 'correct'],
    ],
  },
  {
    id: 'R7', scope: A, channel: 'terminal:a1', deck: 'everyday', item: 'caillebotte-chrysanthemums', mode: 'experiment', lastStep: 7, end: 'timeout',
    guesses: [
      ['r2', 2, 'flowers', 'wrong'],
      ['r1', 5, 'chrysanthemums', 'correct'],
    ],
  },
];

/** Writes the fixture, round after round, guess after guess (guess ids follow this order). */
export async function seedFixture(store: Store, t0 = Date.UTC(2026, 0, 1)): Promise<void> {
  let at = t0;
  for (const r of ROUNDS) {
    await store.createRound({
      id: r.id,
      platform: 'terminal',
      channelId: r.channel,
      scopeId: r.scope,
      deckId: r.deck,
      itemId: r.item,
      mode: r.mode,
      stepSeconds: 15,
      hostId: uid(r.host ?? 'host'),
      locale: 'en',
      startedAt: at++,
    });
    let first = true;
    for (const [player, step, text, verdict] of r.guesses) {
      const correct = verdict === 'correct';
      const isFirst = correct && first;
      if (isFirst) first = false;
      await store.recordGuess({
        roundId: r.id,
        playerId: uid(player),
        playerName: player,
        channelId: r.channel,
        scopeId: r.scope,
        deckId: r.deck,
        itemId: r.item,
        mode: r.mode,
        step,
        textNorm: text,
        verdict,
        points: correct ? 7 - step : 0,
        first: isFirst,
        win: isFirst && r.mode === 'race',
        at: at++,
      });
    }
    await store.setRoundStep(r.id, r.lastStep);
    if (r.end) await store.endRound(r.id, r.end === 'interrupted' ? 'interrupted' : 'ended', r.end, at++);
  }
}
