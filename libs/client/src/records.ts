import { DeliverPolicy } from "@nats-io/jetstream";
import { Buckets, TaskRecord, type TaskState } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";

export interface RecordFilter {
  states?: readonly TaskState[];
  repo?: string;
  source?: string;
  /** Only records created at or after this time. */
  since?: Date;
}

/**
 * Every task record, read in one pass over the bucket's stream (last value per key),
 * newest first. Records that fail to parse are skipped.
 */
export async function listRecords(bus: Bus, filter: RecordFilter = {}): Promise<TaskRecord[]> {
  const stream = `KV_${Buckets.tasks}`;
  const info = await bus.jsm.streams.info(stream);
  if (info.state.messages === 0) return [];
  const consumer = await bus.js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.LastPerSubject,
  });
  const out: TaskRecord[] = [];
  let pending = (await consumer.info(true)).num_pending;
  if (pending === 0) return [];
  const iter = await consumer.fetch({ max_messages: pending, expires: 5_000 });
  for await (const m of iter) {
    pending--;
    if (m.data.length > 0) {
      const r = TaskRecord.safeParse(safeJson(m.data));
      if (r.success && matches(r.data, filter)) out.push(r.data);
    }
    if (pending <= 0) break;
  }
  await consumer.delete().catch(() => undefined);
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

function matches(r: TaskRecord, f: RecordFilter): boolean {
  if (f.states && !f.states.includes(r.state)) return false;
  if (f.repo !== undefined && r.task.repo?.url !== f.repo && r.task.repo?.key !== f.repo)
    return false;
  if (f.source !== undefined && r.task.source.kind !== f.source) return false;
  if (f.since && r.createdAt < f.since.toISOString()) return false;
  return true;
}
