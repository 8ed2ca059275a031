import { Consumers, Streams, type TaskRecord } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import { listRecords } from "./records.ts";
import type { QueueInfo, QueueSummary } from "./wire/summaries.ts";

/** The TASKS stream and executor consumer as queue figures. */
export async function queueInfo(bus: Bus): Promise<QueueInfo> {
  const [tasks, consumer] = await Promise.all([
    bus.jsm.streams.info(Streams.tasks),
    bus.jsm.consumers.info(Streams.tasks, Consumers.executor),
  ]);
  const first = tasks.state.messages > 0 ? Date.parse(tasks.state.first_ts) : Number.NaN; // "0001-…" when empty
  return {
    messages: tasks.state.messages,
    pending: consumer.num_pending,
    ackPending: consumer.num_ack_pending,
    waitingPulls: consumer.num_waiting,
    ...(first > 0 ? { oldestAt: new Date(first).toISOString() } : {}),
  };
}

/** Messages in the DLQ stream. */
export async function dlqSize(bus: Bus): Promise<number> {
  return (await bus.jsm.streams.info(Streams.dlq)).state.messages;
}

/** Counts by state and waiting tasks by reason. */
export function countRecords(records: readonly TaskRecord[]): {
  counts: Record<string, number>;
  waiting: Record<string, number>;
} {
  const counts: Record<string, number> = {};
  const waiting: Record<string, number> = {};
  for (const r of records) {
    counts[r.state] = (counts[r.state] ?? 0) + 1;
    if (r.state === "waiting") {
      const why = r.waitReason ?? r.reason ?? "unknown";
      waiting[why] = (waiting[why] ?? 0) + 1;
    }
  }
  return { counts, waiting };
}

/**
 * Queue depth, tasks by state, waiting tasks by reason and DLQ size. Pass `records` when
 * they have just been read, to save a second pass over the bucket.
 */
export async function queueSummary(
  bus: Bus,
  opts: { records?: readonly TaskRecord[]; now?: Date } = {},
): Promise<QueueSummary> {
  const [queue, dlq, records] = await Promise.all([
    queueInfo(bus),
    dlqSize(bus),
    opts.records ?? listRecords(bus),
  ]);
  const now = opts.now ?? new Date();
  return { at: now.toISOString(), queue, dlq: { messages: dlq }, ...countRecords(records) };
}
