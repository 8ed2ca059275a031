import { ApprovalDecision, isTerminal, Keys } from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";
import { eventPublisher, type Bus } from "@nightshift/messaging";

/**
 * Answers a supervised task's checkpoint: writes `approval.<taskId>` to the control bucket,
 * where the executor waiting on it reads the decision, and notes it in the task's events.
 */
export async function decideApproval(
  bus: Bus,
  taskId: string,
  decision: "approve" | "reject",
  by: string,
  message?: string,
): Promise<ApprovalDecision> {
  const current = await bus.tasks.get(taskId);
  if (!current) throw new NightshiftError("NOT_FOUND", `no task ${taskId}`);
  if (isTerminal(current.record.state)) {
    throw new NightshiftError(
      "CONFLICT",
      `task ${taskId} has already finished (${current.record.state}); there is nothing to ${decision}`,
    );
  }
  const value: ApprovalDecision = {
    decision,
    at: new Date().toISOString(),
    by,
    ...(message !== undefined ? { message } : {}),
  };
  await bus.kv.control.put(Keys.approval(taskId), JSON.stringify(value));
  await eventPublisher(bus.js, taskId, current.record.attempts, `approval-${Date.now()}`).emitNow({
    type: "log",
    level: "info",
    message: `${decision === "approve" ? "approved" : "rejected"} by ${by}${message ? `: ${message}` : ""}`,
  });
  return value;
}

/** The decision currently stored for a task, if any. */
export async function approvalOf(bus: Bus, id: string): Promise<ApprovalDecision | undefined> {
  const e = await bus.kv.control.get(Keys.approval(id));
  if (!e || e.operation !== "PUT") return undefined;
  const parsed = ApprovalDecision.safeParse(e.json());
  return parsed.success ? parsed.data : undefined;
}
