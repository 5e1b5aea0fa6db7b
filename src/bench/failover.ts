/**
 * `failover_ms` (issue 9 §6): the median, over 10 trials, of the time from a step's due time to its post,
 * when the instance that scheduled the step was killed with kill -9 before it fell due. Two survivors
 * run on one local PostgreSQL the whole time; each trial starts a fresh instance, which starts a round
 * (its step 1 committed, step 2 scheduled: local timer plus pg-boss job) and is killed at once. The
 * survivors' pg-boss workers take the job at its due time and post step 2.
 */
import { fileURLToPath } from 'node:url';
import { benchDatabase, startInstance, type Instance, type InstanceLine } from './lateness.ts';

export async function benchFailover(trials = 10, stepSeconds = 5): Promise<Record<string, number>> {
  const { server, url } = await benchDatabase();
  const instances: Instance[] = [];
  try {
    // When step 2 of a round was posted, and by whom (a survivor's sink).
    const step2 = new Map<string, number>();
    const onLine = (l: InstanceLine) => {
      if ('p' in l && l.p[1] === 'step' && l.p[2] === 2 && !step2.has(l.p[0])) step2.set(l.p[0], l.p[3]);
    };
    for (let i = 0; i < 2; i++) instances.push(await startInstance(url, onLine));
    const times: number[] = [];
    for (let t = 0; t < trials; t++) {
      const doomed = await startInstance(url, onLine);
      instances.push(doomed);
      doomed.send({ play: 1, prefix: `failover-${t}-`, stepSeconds });
      const a = await doomed.next();
      if (!('played' in a) || a.played.length !== 1) throw new Error(`the round did not start: ${JSON.stringify(a)}`);
      await doomed.kill9();
      const { roundId, dueAt } = a.played[0]!;
      const deadline = dueAt + 60_000;
      while (!step2.has(roundId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const at = step2.get(roundId);
      if (at === undefined) throw new Error(`trial ${t}: step 2 was not posted within 60 s of its due time`);
      times.push(at - dueAt);
    }
    times.sort((x, y) => x - y);
    return {
      failover_ms: Math.round(median(times)),
      failover_max_ms: Math.round(times.at(-1)!),
    };
  } finally {
    await Promise.all(instances.map((i) => i.stop()));
    server.stop();
  }
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--run') {
  void benchFailover(Number(process.argv[3] ?? 10)).then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
}
