export interface RunResult {
  /** Publish → agent process spawned, in ms, one per sequential task. */
  latencies: number[];
  /** Tasks per second draining a burst. */
  throughput: number;
  /** Largest RSS of the worker process tree while draining the burst, in MiB. */
  maxRssMb?: number;
}

/**
 * Rounds of one system's run pooled into one: every round's latency samples, throughput
 * over the rounds' total draining time (each round drains the same burst), the largest RSS.
 */
export function poolRuns(runs: readonly RunResult[]): RunResult {
  const rss = runs.map((r) => r.maxRssMb).filter((m) => m !== undefined);
  return {
    latencies: runs.flatMap((r) => r.latencies),
    throughput: runs.length / runs.reduce((s, r) => s + 1 / r.throughput, 0),
    ...(rss.length > 0 ? { maxRssMb: Math.max(...rss) } : {}),
  };
}
