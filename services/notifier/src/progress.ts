import { z } from "zod";
import { TaskEvent } from "@nightshift/contracts";
import { isWrongLastSequence, type KV } from "@nightshift/messaging";

/** Coalescing state of one task's progress, under `p.<taskId>` in the notifications bucket. */
const ProgressState = z.strictObject({
  lastSentAt: z.number().optional(),
  /** Events not yet notified, by EVENTS stream sequence. */
  pending: z.array(z.strictObject({ seq: z.number().int(), event: TaskEvent })),
  latestSeq: z.number().int(),
  /** The last notification built: a redelivery of its message sends it again (idempotently). */
  sent: z
    .strictObject({ seq: z.number().int(), id: z.string(), events: z.array(TaskEvent) })
    .optional(),
});
type ProgressState = z.infer<typeof ProgressState>;

export type ProgressDecision =
  /** Nothing to send for this message: a newer event carries it, or it was sent. */
  | { action: "drop" }
  /** Too soon after the last progress notification: look again then. */
  | { action: "wait"; delayMs: number }
  | { action: "send"; id: string; events: TaskEvent[] };

/** Most events carried in one progress notification (the oldest are dropped). */
const MAX_PENDING = 50;

const key = (taskId: string): string => `p.${taskId}`;

/**
 * Progress is coalesced per task: the first event is sent at once, later ones wait until
 * `intervalMs` after the last notification, and only the newest waiting message sends,
 * carrying every event that arrived meanwhile.
 */
export class ProgressCoalescer {
  readonly #kv: KV;
  constructor(kv: KV) {
    this.#kv = kv;
  }

  async offer(
    taskId: string,
    seq: number,
    event: TaskEvent,
    intervalMs: number,
    now: number,
  ): Promise<ProgressDecision> {
    for (let i = 0; i < 20; i++) {
      const e = await this.#kv.get(key(taskId));
      const cur: ProgressState =
        e && e.operation === "PUT" ? ProgressState.parse(e.json()) : { pending: [], latestSeq: 0 };
      if (cur.sent?.seq === seq)
        return { action: "send", id: cur.sent.id, events: cur.sent.events };
      if (seq <= (cur.sent?.seq ?? 0)) return { action: "drop" };
      const next: ProgressState = structuredClone(cur);
      if (!next.pending.some((p) => p.seq === seq)) {
        next.pending.push({ seq, event });
        next.pending.sort((a, b) => a.seq - b.seq);
        if (next.pending.length > MAX_PENDING)
          next.pending.splice(0, next.pending.length - MAX_PENDING);
      }
      next.latestSeq = Math.max(next.latestSeq, seq);
      let decision: ProgressDecision;
      const since = cur.lastSentAt === undefined ? Infinity : now - cur.lastSentAt;
      if (next.latestSeq > seq) decision = { action: "drop" };
      else if (since < intervalMs) decision = { action: "wait", delayMs: intervalMs - since };
      else {
        const events = next.pending.map((p) => p.event);
        const id = `p-${taskId}-${seq}`;
        next.lastSentAt = now;
        next.pending = [];
        next.sent = { seq, id, events };
        decision = { action: "send", id, events };
      }
      if (JSON.stringify(next) === JSON.stringify(cur) && e) return decision;
      try {
        if (e && e.operation === "PUT")
          await this.#kv.update(key(taskId), JSON.stringify(next), e.revision);
        else await this.#kv.create(key(taskId), JSON.stringify(next));
        return decision;
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
    }
    return { action: "wait", delayMs: 1_000 };
  }

  /** Forgets a finished task's progress. */
  async forget(taskId: string): Promise<void> {
    await this.#kv.purge(key(taskId));
  }
}
