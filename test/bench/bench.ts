/** A benchmark: runs itself `runs` times and returns one duration (ms) per run. */
export interface Bench {
  id: string;
  title: string;
  target: { p95Ms: number };
  runs: number;
  run(runs: number): Promise<number[]>;
}

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
