import { DeliverPolicy } from "@nats-io/jetstream";
import { Buckets, TaskRecord, type TaskState, type WaitReason } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";

export interface RecordFilter {
  states?: readonly TaskState[] | undefined;
  waitReasons?: readonly WaitReason[] | undefined;
  /** Repository URL, path or key. */
  repo?: string | undefined;
  /** One source kind, or any of several. */
  source?: string | readonly string[] | undefined;
  /** Only records created at or after this time. */
  since?: Date | undefined;
  /** Only records created before this time. */
  until?: Date | undefined;
  /** At most this many records (the newest). */
  limit?: number | undefined;
}

export interface RecordPage {
  records: TaskRecord[];
  /** Records that matched before `limit` was applied. */
  total: number;
}

/**
 * Task records matching `filter`, newest first, read in one pass over the bucket's stream
 * (last value per key). Records that fail to parse are skipped.
 */
export async function queryRecords(bus: Bus, filter: RecordFilter = {}): Promise<RecordPage> {
  const stream = `KV_${Buckets.tasks}`;
  const info = await bus.jsm.streams.info(stream);
  if (info.state.messages === 0) return { records: [], total: 0 };
  const consumer = await bus.js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.LastPerSubject,
  });
  const out: TaskRecord[] = [];
  try {
    let pending = (await consumer.info(true)).num_pending;
    if (pending > 0) {
      const iter = await consumer.fetch({ max_messages: pending, expires: 5_000 });
      for await (const m of iter) {
        pending--;
        if (m.data.length > 0) {
          const r = TaskRecord.safeParse(safeJson(m.data));
          if (r.success && matches(r.data, filter)) out.push(r.data);
        }
        if (pending <= 0) break;
      }
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  return {
    records: filter.limit !== undefined ? out.slice(0, filter.limit) : out,
    total: out.length,
  };
}

/** Every task record matching `filter`, newest first. */
export async function listRecords(bus: Bus, filter: RecordFilter = {}): Promise<TaskRecord[]> {
  return (await queryRecords(bus, filter)).records;
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
  if (f.waitReasons && (r.waitReason === undefined || !f.waitReasons.includes(r.waitReason)))
    return false;
  if (f.repo !== undefined && r.task.repo?.url !== f.repo && r.task.repo?.key !== f.repo)
    return false;
  if (f.source !== undefined) {
    const kinds: readonly string[] = typeof f.source === "string" ? [f.source] : f.source;
    if (!kinds.includes(r.task.source.kind)) return false;
  }
  if (f.since && r.createdAt < f.since.toISOString()) return false;
  if (f.until && r.createdAt >= f.until.toISOString()) return false;
  return true;
}
