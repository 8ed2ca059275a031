import {
  dlqSize,
  pauseState,
  queueInfo,
  listRecords,
  readBudgetBucket,
  type QueueInfo,
  type SpendCounterEntry,
} from "@nightshift/client";
import type { TaskRecord } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";

/** What the system-wide gauges are computed from, read in one go. */
export interface SystemSnapshot {
  at: number;
  queue: QueueInfo;
  dlq: number;
  records: TaskRecord[];
  leases: number;
  /** Daily spend counters of the `budgets` bucket. */
  spend: SpendCounterEntry[];
  paused: { all: boolean; schedules: string[] };
}

async function countKeys(bus: Bus, bucket: "leases"): Promise<number> {
  let n = 0;
  for await (const _ of await bus.kv[bucket].keys()) n++;
  return n;
}

export async function readSnapshot(bus: Bus, now: number): Promise<SystemSnapshot> {
  const [queue, dlq, records, leases, pause, budgets] = await Promise.all([
    queueInfo(bus),
    dlqSize(bus),
    listRecords(bus),
    countKeys(bus, "leases"),
    pauseState(bus),
    readBudgetBucket(bus),
  ]);
  return {
    at: now,
    queue,
    dlq,
    records,
    leases,
    spend: budgets.counters,
    paused: { all: pause.all !== null, schedules: Object.keys(pause.schedules) },
  };
}

/**
 * One reading shared by every gauge of a scrape (a reading still in flight is reused), and
 * by scrapes closer together than `maxAgeMs`: a scrape reads the tasks bucket once,
 * however many gauges it fills.
 */
export function cachedSnapshot(
  read: () => Promise<SystemSnapshot>,
  maxAgeMs: number,
  now: () => number,
  onError: (err: unknown) => void,
): () => Promise<SystemSnapshot> {
  let current: { at: number; value: Promise<SystemSnapshot>; settled: boolean } | undefined;
  return () => {
    if (!current || (current.settled && now() - current.at >= maxAgeMs)) {
      const entry = { at: now(), value: read(), settled: false };
      entry.value.then(
        () => (entry.settled = true),
        (err: unknown) => {
          entry.settled = true;
          onError(err);
        },
      );
      current = entry;
    }
    return current.value;
  };
}
