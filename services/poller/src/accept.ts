import { CursorKeys } from "./kv-keys.ts";
import { publishTask, type Bus } from "@nightshift/messaging";
import type { TaskInputShape } from "@nightshift/contracts";
import { QUEUE_KEPT, remember, type ItemStore } from "./item-state.ts";
import type { Trigger } from "./trigger.ts";

export type Acceptance = "accepted" | "duplicate" | "deferred" | "capped";

export interface AcceptContext {
  bus: Bus;
  items: ItemStore;
  cooldownMs: number;
  maxAttempts: number;
  /** Tells the item, once, that it will get no more tasks. */
  giveUp: (t: Trigger, attempts: number, at: string) => Promise<void>;
  now?: () => number;
}

/** A reservation older than this was left by a crashed publisher: the trigger may proceed. */
const STALE_PENDING_MS = 60_000;

type Decision = "duplicate" | "capped" | "give-up" | "deferred" | "publish";

/**
 * Turns a trigger into exactly one task. The item is reserved first (CAS), then the task
 * is published with its deterministic id (the message's `Nats-Msg-Id`), then the trigger
 * is marked handled. A crash anywhere repeats the same steps with the same id and creates
 * nothing twice. Within the cooldown a trigger waits; past the cap the item is left alone.
 */
export async function acceptTrigger(ctx: AcceptContext, t: Trigger): Promise<Acceptance> {
  const now = (ctx.now ?? Date.now)();
  const at = new Date(now).toISOString();
  const id = String(t.task["id"]);
  const existing = await ctx.bus.tasks.get(id);
  if (existing) {
    // Already a task (its trigger was handled long ago, or by another replica just now).
    // One still `queued` may be all a publish that failed half-way left (the record, not
    // the message): publishing again completes it; its id as Nats-Msg-Id absorbs a repeat.
    if (existing.record.state === "queued") await publishTask(ctx.bus, t.task as TaskInputShape);
    await ctx.items.update(t.item, (s) =>
      s.handled.includes(t.key) && s.pending?.key !== t.key
        ? { result: 0 }
        : {
            state: {
              ...s,
              ...(s.pending?.key === t.key ? { pending: undefined } : {}),
              handled: remember(s.handled, t.key),
              queue: s.queue.filter((q) => q.trigger.key !== t.key),
            },
            result: 0,
          },
    );
    return "duplicate";
  }
  let attempts = 0;
  let due = at;
  const decision = await ctx.items.update<Decision>(t.item, (s) => {
    const inQueue = s.queue.some((q) => q.trigger.key === t.key);
    s.queue = s.queue.filter((q) => q.trigger.key !== t.key);
    if (s.handled.includes(t.key))
      return inQueue ? { state: s, result: "duplicate" } : { result: "duplicate" };
    if (s.pending?.key === t.key) return { result: "publish" };
    if (t.human && (s.gaveUp || s.attempts >= ctx.maxAttempts)) {
      delete s.gaveUp;
      s.attempts = 0;
    }
    if (s.gaveUp) return { state: { ...s, handled: remember(s.handled, t.key) }, result: "capped" };
    if (s.attempts >= ctx.maxAttempts) {
      attempts = s.attempts;
      s.gaveUp = { at, announced: false };
      s.handled = remember(s.handled, t.key);
      return { state: s, result: "give-up" };
    }
    const pendingFresh =
      s.pending !== undefined && now - Date.parse(s.pending.at) < STALE_PENDING_MS;
    const coolUntil = s.lastTaskAt ? Date.parse(s.lastTaskAt) + ctx.cooldownMs : 0;
    if (pendingFresh || now < coolUntil) {
      due = new Date(Math.max(coolUntil, now + 1000)).toISOString();
      s.queue = s.queue.filter((q) => t.group === undefined || q.trigger.group !== t.group);
      s.queue = [...s.queue, { trigger: t, due }].slice(-QUEUE_KEPT);
      return { state: s, result: "deferred" };
    }
    s.pending = { key: t.key, at };
    s.attempts += 1;
    s.lastTaskAt = at;
    s.lastTaskId = id;
    return { state: s, result: "publish" };
  });
  switch (decision) {
    case "duplicate":
      return "duplicate";
    case "capped":
      return "capped";
    case "give-up":
      await ctx.giveUp(t, attempts, at);
      await ctx.items.update(t.item, (s) =>
        s.gaveUp
          ? { state: { ...s, gaveUp: { ...s.gaveUp, announced: true } }, result: 0 }
          : { result: 0 },
      );
      return "capped";
    case "deferred":
      await ctx.bus.kv.cursors.put(CursorKeys.due(t.item), JSON.stringify({ due }));
      return "deferred";
    case "publish":
      await publishTask(ctx.bus, t.task as TaskInputShape);
      await ctx.items.update(t.item, (s) => {
        if (s.pending?.key === t.key) delete s.pending;
        return { state: { ...s, handled: remember(s.handled, t.key) }, result: 0 };
      });
      return "accepted";
  }
}
