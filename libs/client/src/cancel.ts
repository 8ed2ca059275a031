import { isTerminal, Keys, type CancelRequest, type TaskRecord } from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";
import { applyTransition, eventPublisher, type Bus } from "@nightshift/messaging";

export interface CancelResult {
  record: TaskRecord;
  /** `cancelled` when it ended here; `requested` when a running task was signalled; `finished` when it had already ended. */
  effect: "cancelled" | "requested" | "finished";
}

/**
 * Cancels a task. The durable flag in the control bucket stops it wherever it is; a task
 * that is queued or waiting is marked cancelled at once, a running one is stopped by its
 * executor.
 */
export async function cancelTask(
  bus: Bus,
  id: string,
  by: string,
  message?: string,
): Promise<CancelResult> {
  const current = await bus.tasks.get(id);
  if (!current) throw new NightshiftError("NOT_FOUND", `no task ${id}`);
  if (isTerminal(current.record.state)) return { record: current.record, effect: "finished" };
  const req: CancelRequest = {
    at: new Date().toISOString(),
    by,
    ...(message !== undefined ? { message } : {}),
  };
  await bus.kv.control.put(Keys.cancel(id), JSON.stringify(req));
  const detail = message ?? `cancelled by ${by}`;
  const out = await bus.tasks.update(id, (r) =>
    r.state === "queued" || r.state === "waiting"
      ? applyTransition(r, "cancelled", { reason: "cancelled", detail })
      : undefined,
  );
  if (!out) throw new NightshiftError("NOT_FOUND", `no task ${id}`);
  if (out.record.state === "cancelled") {
    await eventPublisher(bus.js, id, out.record.attempts, `cancel`).emitNow({
      type: "state",
      state: "cancelled",
      reason: "cancelled",
      detail,
    });
    return { record: out.record, effect: "cancelled" };
  }
  return { record: out.record, effect: isTerminal(out.record.state) ? "finished" : "requested" };
}
