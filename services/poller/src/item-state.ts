import type { KV } from "@nightshift/messaging";
import { isWrongLastSequence } from "@nightshift/messaging";
import { NightshiftError } from "@nightshift/errors";
import { z } from "zod";
import { CursorKeys } from "./kv-keys.ts";
import { Trigger } from "./trigger.ts";

/** Keys of the most recent triggers handled for an item. */
const HANDLED_KEPT = 50;

export const ItemState = z.strictObject({
  v: z.literal(1),
  /** Tasks run for the item since a person last asked (retries included). */
  attempts: z.number().int().nonnegative(),
  lastTaskId: z.string().optional(),
  lastTaskAt: z.iso.datetime().optional(),
  /** A trigger being published right now (reserved before the publish, cleared after). */
  pending: z.strictObject({ key: z.string(), at: z.iso.datetime() }).optional(),
  /** Trigger keys already turned into a task or an escalation. */
  handled: z.array(z.string()).default([]),
  /** Triggers that arrived during the cooldown, published one by one as it ends. */
  queue: z.array(z.strictObject({ trigger: Trigger, due: z.iso.datetime() })).default([]),
  /** A failed task to run again when `due`. */
  retry: z.strictObject({ taskId: z.string(), due: z.iso.datetime() }).optional(),
  /** No more attempts; `announced` once the item was told. */
  gaveUp: z.strictObject({ at: z.iso.datetime(), announced: z.boolean() }).optional(),
});
export type ItemState = z.infer<typeof ItemState>;

export const EMPTY_ITEM: ItemState = { v: 1, attempts: 0, handled: [], queue: [] };

/** Triggers waiting per item at most; the oldest are dropped beyond it. */
export const QUEUE_KEPT = 20;

export function remember(handled: string[], key: string): string[] {
  return [...handled.filter((k) => k !== key), key].slice(-HANDLED_KEPT);
}

/** Item states in the `cursors` bucket, changed only by compare-and-set. */
export class ItemStore {
  readonly #kv: KV;
  constructor(kv: KV) {
    this.#kv = kv;
  }

  async get(item: string): Promise<{ state: ItemState; revision: number }> {
    const e = await this.#kv.get(CursorKeys.item(item));
    if (!e || e.operation !== "PUT") return { state: structuredClone(EMPTY_ITEM), revision: 0 };
    const parsed = ItemState.safeParse(e.json());
    return {
      state: parsed.success ? parsed.data : structuredClone(EMPTY_ITEM),
      revision: e.revision,
    };
  }

  /**
   * Read-modify-write with CAS, retried on conflicts. `mutate` returns the new state and
   * a result, or undefined to leave the state as it is.
   */
  async update<R>(
    item: string,
    mutate: (s: ItemState) => { state: ItemState; result: R } | { result: R },
  ): Promise<R> {
    const key = CursorKeys.item(item);
    for (let i = 0; i < 20; i++) {
      const { state, revision } = await this.get(item);
      const out = mutate(structuredClone(state));
      if (!("state" in out)) return out.result;
      const body = JSON.stringify(ItemState.parse(out.state));
      try {
        if (revision === 0) await this.#kv.create(key, body);
        else await this.#kv.update(key, body, revision);
        return out.result;
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    }
    throw new NightshiftError("CONFLICT", `item ${item}: too many concurrent updates`);
  }
}
