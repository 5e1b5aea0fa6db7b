/**
 * Knowledge-base search benchmark over the evaluation set in test/knowledge: top-1 accuracy on
 * the held-out half (explain_accuracy) and on the tune half (explain_tune_accuracy), the share of
 * out-of-scope questions refused, and the per-query latency of `explain` over both halves (the
 * index is built once, outside the timing).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createKnowledgeIndex, explain } from '../core/knowledge/index.ts';
import { loadKnowledge } from '../knowledge/load.ts';

const HELD_OUT = fileURLToPath(new URL('../../test/knowledge/eval-held-out.json', import.meta.url));
const TUNE = fileURLToPath(new URL('../../test/knowledge/eval-tune.json', import.meta.url));
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

async function readSet(path: string): Promise<EvalCase[]> {
  return (JSON.parse(await readFile(path, 'utf8')) as { questions: EvalCase[] }).questions;
}

export async function benchExplain(): Promise<Record<string, number>> {
  const heldOut = await readSet(HELD_OUT);
  const tune = await readSet(TUNE);
  const cases = [...heldOut, ...tune];
  const index = createKnowledgeIndex(await loadKnowledge());

  const accuracy = (set: EvalCase[]) => set.filter((c) => explain(index, c.q).topic === c.expected).length / set.length;
  const outOfScope = cases.filter((c) => c.expected === null);
  const refused = outOfScope.filter((c) => explain(index, c.q).topic === null).length / outOfScope.length;

  // Warm up the JIT, then time every query many times.
  for (const c of cases) explain(index, c.q);
  // Wall time, and CPU time: on a loaded machine a query's wall time includes waiting for a core.
  const times: number[] = [];
  const cpu: number[] = [];
  for (let rep = 0; rep < REPETITIONS; rep++) {
    for (const c of cases) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      explain(index, c.q);
      times.push(performance.now() - t0);
      const used = process.cpuUsage(c0);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    explain_accuracy: round(accuracy(heldOut)),
    explain_tune_accuracy: round(accuracy(tune)),
    explain_refusal: round(refused),
    explain_p50_ms: round(percentile(times, 50)),
    explain_p99_ms: round(percentile(times, 99)),
    explain_p99_cpu_ms: round(percentile(cpu, 99)),
  };
}

// `npx tsx src/bench/explain.ts` prints the numbers.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  void benchExplain().then((r) => process.stdout.write(JSON.stringify(r) + '\n'));
}
