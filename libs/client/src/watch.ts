import { KvWatchInclude } from "@nats-io/kv";
import { TaskRecord } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";

export interface RecordChange {
  revision: number;
  record: TaskRecord;
}

/**
 * Opens a watch of the tasks bucket and resolves once it is open: the iterable then yields
 * every task record written afterwards, until `signal` aborts. Deletions and records that
 * fail to parse are skipped.
 */
export async function watchRecords(
  bus: Bus,
  signal: AbortSignal,
): Promise<AsyncIterable<RecordChange>> {
  const iter = await bus.kv.tasks.watch({ include: KvWatchInclude.UpdatesOnly });
  const stop = (): void => iter.stop();
  if (signal.aborted) stop();
  else signal.addEventListener("abort", stop, { once: true });
  return (async function* () {
    try {
      for await (const e of iter) {
        if (e.operation !== "PUT") continue;
        let value: unknown;
        try {
          value = e.json();
        } catch {
          continue;
        }
        const r = TaskRecord.safeParse(value);
        if (r.success) yield { revision: e.revision, record: r.data };
      }
    } finally {
      signal.removeEventListener("abort", stop);
      iter.stop();
    }
  })();
}
