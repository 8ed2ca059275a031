import { ApprovalDecision, isTerminal, Keys, type TaskRecord } from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";
import { eventPublisher, type Bus } from "@nightshift/messaging";

export interface ApprovalResult {
  record: TaskRecord;
  decision: ApprovalDecision;
  /** Whether the task was waiting for this answer (`waiting`, reason `awaiting-approval`). */
  awaiting: boolean;
}

/**
 * Answers a supervised task's checkpoint by writing `approval.<id>` to the control bucket,
 * where the executor waiting at the checkpoint reads it. The one path used by
 * `nightshift approve` / `reject`, email replies and the API. A decision may arrive before
 * the task reaches its checkpoint; it is refused only for tasks that can never read it.
 */
export async function decideApproval(
  bus: Bus,
  id: string,
  decision: ApprovalDecision["decision"],
  by: string,
  message?: string,
  opts: { checkpoint?: string } = {},
): Promise<ApprovalResult> {
  const current = await bus.tasks.get(id);
  if (!current) throw new NightshiftError("NOT_FOUND", `no task ${id}`);
  const record = current.record;
  if (isTerminal(record.state)) {
    throw new NightshiftError(
      "CONFLICT",
      `task ${id} has already finished (${record.state}); there is nothing to ${decision}`,
    );
  }
  const awaiting = record.state === "waiting" && record.waitReason === "awaiting-approval";
  if (record.task.mode !== "supervised" && !awaiting) {
    throw new NightshiftError(
      "CONFLICT",
      `task ${id} runs autonomously and is not waiting for approval; there is nothing to ${decision}`,
    );
  }
  const value = ApprovalDecision.parse({
    decision,
    at: new Date().toISOString(),
    by,
    ...(message !== undefined && message.trim() !== "" ? { message: message.trim() } : {}),
    ...(opts.checkpoint !== undefined ? { checkpoint: opts.checkpoint } : {}),
  });
  await bus.kv.control.put(Keys.approval(id), JSON.stringify(value));
  await eventPublisher(bus.js, id, record.attempts, `approval-${Date.now()}`).emitNow({
    type: "log",
    level: "info",
    message: `${decision === "approve" ? "approved" : "rejected"} by ${by}${value.message !== undefined ? `: ${value.message}` : ""}`,
  });
  return { record, decision: value, awaiting };
}

/** The decision currently stored for a task, if any. */
export async function approvalOf(bus: Bus, id: string): Promise<ApprovalDecision | undefined> {
  const e = await bus.kv.control.get(Keys.approval(id));
  if (!e || e.operation !== "PUT") return undefined;
  const parsed = ApprovalDecision.safeParse(e.json());
  return parsed.success ? parsed.data : undefined;
}
