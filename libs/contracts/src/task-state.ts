import { z } from "zod";

export const TaskState = z.enum([
  "queued",
  "running",
  "waiting",
  "succeeded",
  "failed",
  "blocked",
  "cancelled",
]);
export type TaskState = z.infer<typeof TaskState>;

export const WaitReason = z.enum([
  "repo-busy",
  "rate-limited",
  "budget",
  "awaiting-approval",
  "paused",
  "retry-backoff",
]);
export type WaitReason = z.infer<typeof WaitReason>;

export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set([
  "succeeded",
  "failed",
  "blocked",
  "cancelled",
]);

export function isTerminal(state: TaskState): boolean {
  return TERMINAL_STATES.has(state);
}

/**
 * Allowed transitions. `running → running` is a new attempt after a crash or redelivery.
 * Leaving a terminal state is only possible through an explicit redrive.
 */
const TRANSITIONS: Record<TaskState, readonly TaskState[]> = {
  queued: ["running", "waiting", "cancelled", "failed"],
  waiting: ["running", "queued", "waiting", "cancelled", "failed"],
  running: ["running", "waiting", "queued", "succeeded", "failed", "blocked", "cancelled"],
  succeeded: [],
  failed: [],
  blocked: [],
  cancelled: [],
};

export function canTransition(
  from: TaskState,
  to: TaskState,
  opts?: { redrive?: boolean },
): boolean {
  if (opts?.redrive === true) return isTerminal(from) && to === "queued";
  return TRANSITIONS[from].includes(to);
}
