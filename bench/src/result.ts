export interface RunResult {
  /** Publish → agent process spawned, in ms, one per sequential task. */
  latencies: number[];
  /** Tasks per second draining a burst. */
  throughput: number;
  /** Largest RSS of the worker process tree while draining the burst, in MiB. */
  maxRssMb?: number;
}
