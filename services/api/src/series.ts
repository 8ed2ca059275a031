import {
  countRecords,
  listRecords,
  queueInfo,
  type Series,
  type SeriesSample,
} from "@nightshift/client";
import { Subjects, TaskEvent } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";

export interface SeriesSampler {
  series(): Series;
  /** Takes a sample now (also done every interval). */
  sample(): Promise<SeriesSample>;
  stop(): void;
}

export interface SeriesOptions {
  bus: Bus;
  intervalMs: number;
  /** Samples kept; the oldest is dropped first. */
  size: number;
  onError: (err: unknown) => void;
  now?: () => Date;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
}

/**
 * Samples queue depth and task counts every interval into a ring buffer, and collects the
 * dispatch latency (publish → agent spawned) of every `agent` event seen in between, for
 * the dashboard's charts. Each API instance keeps its own, starting empty.
 */
export function startSeriesSampler(opts: SeriesOptions): SeriesSampler {
  const now = opts.now ?? (() => new Date());
  const ring: SeriesSample[] = [];
  let latencies: number[] = [];
  const sub = opts.bus.nc.subscribe(Subjects.event("*", "agent"), {
    callback: (err, msg) => {
      if (err) return;
      try {
        const e = TaskEvent.safeParse(msg.json());
        if (e.success && e.data.type === "agent" && e.data.phase === "spawned")
          if (e.data.dispatchMs !== undefined) latencies.push(e.data.dispatchMs);
      } catch {
        // not JSON: not an event we count
      }
    },
  });
  const sample = async (): Promise<SeriesSample> => {
    const [queue, records] = await Promise.all([queueInfo(opts.bus), listRecords(opts.bus)]);
    const { counts } = countRecords(records);
    const seen = latencies.sort((a, b) => a - b);
    latencies = [];
    const s: SeriesSample = {
      at: now().toISOString(),
      messages: queue.messages,
      pending: queue.pending,
      running: counts["running"] ?? 0,
      waiting: counts["waiting"] ?? 0,
      dispatch: {
        count: seen.length,
        p50Ms: percentile(seen, 0.5),
        maxMs: seen.length > 0 ? (seen[seen.length - 1] ?? null) : null,
      },
    };
    ring.push(s);
    if (ring.length > opts.size) ring.splice(0, ring.length - opts.size);
    return s;
  };
  let busy = false;
  const tick = (): void => {
    if (busy) return;
    busy = true;
    sample()
      .catch(opts.onError)
      .finally(() => {
        busy = false;
      });
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  return {
    series: () => ({ intervalMs: opts.intervalMs, samples: [...ring] }),
    sample,
    stop() {
      clearInterval(timer);
      sub.unsubscribe();
    },
  };
}
