import type { KV } from "@nightshift/messaging";
import { CursorKeys } from "./kv-keys.ts";

/** Forgets webhook delivery ids older than `maxAgeMs` (GitHub redelivers within days). */
export async function pruneDeliveries(kv: KV, maxAgeMs: number, now = Date.now()): Promise<number> {
  const keys: string[] = [];
  for await (const k of await kv.keys(CursorKeys.deliveriesAll)) keys.push(k);
  let removed = 0;
  for (const k of keys) {
    const e = await kv.get(k);
    if (e && e.operation === "PUT" && now - e.created.getTime() > maxAgeMs) {
      await kv.delete(k, { previousSeq: e.revision }).catch(() => undefined);
      removed++;
    }
  }
  return removed;
}
