import type { TaskRecord } from "@nightshift/contracts";
import type { KV } from "@nightshift/messaging";
import type { ItemStore } from "./item-state.ts";
import { CursorKeys } from "./kv-keys.ts";

export interface RetryPolicy {
  maxAttempts: number;
  cooldownMs: number;
  now?: () => number;
}

/**
 * After a task of an item failed: schedule one retry after the cooldown while the item
 * has attempts left, otherwise give up (the status comment says so: one comment, edited,
 * not one per attempt). Other end states are final. Safe to run twice for the same event.
 */
export async function afterTerminal(
  items: ItemStore,
  cursors: KV,
  item: string,
  record: TaskRecord,
  p: RetryPolicy,
): Promise<void> {
  if (record.state !== "failed") return;
  const now = (p.now ?? Date.now)();
  const due = new Date(now + p.cooldownMs).toISOString();
  const scheduled = await items.update(item, (s) => {
    if (s.lastTaskId !== record.id || s.retry?.taskId === record.id || s.gaveUp)
      return { result: false };
    if (s.attempts < p.maxAttempts)
      return { state: { ...s, retry: { taskId: record.id, due } }, result: true };
    return {
      state: { ...s, gaveUp: { at: new Date(now).toISOString(), announced: true } },
      result: false,
    };
  });
  if (scheduled) await cursors.put(CursorKeys.due(item), JSON.stringify({ due }));
}
