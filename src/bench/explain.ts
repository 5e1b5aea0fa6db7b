/**
 * Knowledge-base search benchmark over test/knowledge/eval-set.json: top-1 accuracy
 * and per-query latency of `explain` (the index is built once, outside the timing).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createKnowledgeIndex, explain } from '../core/knowledge/index.ts';
import { loadKnowledge } from '../knowledge/load.ts';

const EVAL_SET = fileURLToPath(new URL('../../test/knowledge/eval-set.json', import.meta.url));
const REPETITIONS = 30;

interface EvalCase {
  q: string;
  expected: string | null;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export async function benchExplain(): Promise<Record<string, number>> {
  const cases = JSON.parse(await readFile(EVAL_SET, 'utf8')) as EvalCase[];
  const index = createKnowledgeIndex(await loadKnowledge());

  let correct = 0;
  for (const c of cases) if (explain(index, c.q).topic === c.expected) correct++;

  // Warm up the JIT, then time every query many times.
  for (const c of cases) explain(index, c.q);
  const times: number[] = [];
  for (let rep = 0; rep < REPETITIONS; rep++) {
    for (const c of cases) {
      const t0 = performance.now();
      explain(index, c.q);
      times.push(performance.now() - t0);
    }
  }
  times.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    explain_accuracy: round(correct / cases.length),
    explain_p50_ms: round(percentile(times, 50)),
    explain_p99_ms: round(percentile(times, 99)),
  };
}

// `npx tsx src/bench/explain.ts` prints the numbers.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  void benchExplain().then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
}
