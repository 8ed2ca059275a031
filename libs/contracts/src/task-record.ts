import { z } from "zod";
import { LoopRound } from "./review.ts";
import { Task } from "./task.ts";
import { TaskState, WaitReason } from "./task-state.ts";

export const TASK_RECORD_VERSION = 1;

export const Usage = z.strictObject({
  turns: z.number().int().nonnegative().default(0),
  inputTokens: z.number().int().nonnegative().default(0),
  outputTokens: z.number().int().nonnegative().default(0),
  cacheReadTokens: z.number().int().nonnegative().default(0),
  cacheWriteTokens: z.number().int().nonnegative().default(0),
  costUsd: z.number().nonnegative().default(0),
});
export type Usage = z.infer<typeof Usage>;

export const EMPTY_USAGE: Usage = {
  turns: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costUsd: 0,
};

export const TaskResult = z.strictObject({
  /** `succeeded`, `noop`, `timeout`, `exit-code`, `invalid-result` … */
  outcome: z.string().min(1),
  summary: z.string().optional(),
  branch: z.string().optional(),
  commit: z.string().optional(),
  pushed: z.boolean().default(false),
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
  pullRequestUrl: z.string().optional(),
  /**
   * Policy-gated landing of an approved review loop: `landed` (merged into the base
   * branch) or `ready-for-review` (left for a person), with why.
   */
  landing: z
    .strictObject({
      state: z.enum(["landed", "ready-for-review"]),
      detail: z.string().optional(),
      commit: z.string().optional(),
    })
    .optional(),
});
export type TaskResult = z.infer<typeof TaskResult>;

export const Transition = z.strictObject({
  state: TaskState,
  reason: z.string().optional(),
  at: z.iso.datetime(),
  attempt: z.number().int().nonnegative(),
});
export type Transition = z.infer<typeof Transition>;

/** Where a supervised task stops for a person's decision. */
export const CheckpointName = z.enum(["before-push", "every-turns", "on-blocker", "on-regression"]);
export type CheckpointName = z.infer<typeof CheckpointName>;

/** A checkpoint the task is waiting at (state `waiting`, reason `awaiting-approval`). */
export const PendingCheckpoint = z.strictObject({
  /** Unique per checkpoint; an approval names it, so an old answer never opens a new one. */
  id: z.string().min(1),
  name: CheckpointName,
  at: z.iso.datetime(),
  detail: z.string().optional(),
});
export type PendingCheckpoint = z.infer<typeof PendingCheckpoint>;

/** The durable view of a task, CAS-updated in the `tasks` bucket under its id. */
export const TaskRecord = z.strictObject({
  v: z.literal(TASK_RECORD_VERSION),
  id: z.string(),
  task: Task,
  state: TaskState,
  /** Why the task is in its state: a wait reason, or a failure reason such as `timeout`. */
  reason: z.string().optional(),
  /** Human-readable detail for `reason`. */
  detail: z.string().optional(),
  waitReason: WaitReason.optional(),
  /** When a waiting task will be looked at again. */
  waitUntil: z.iso.datetime().optional(),
  attempts: z.number().int().nonnegative(),
  /**
   * Attempts that do not count against `executor.maxAttempts`: ones a provider's rate
   * limit or an executor shutdown cut short through no fault of the task.
   */
  freeAttempts: z.number().int().nonnegative().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
  usage: Usage,
  result: TaskResult.optional(),
  session: z
    .strictObject({ backend: z.string(), id: z.string(), branch: z.string().optional() })
    .optional(),
  executor: z
    .strictObject({
      instance: z.string(),
      fence: z.number().int().optional(),
      /**
       * The TASKS stream sequence of the message the running attempt came from: another
       * message for the task while it runs is a copy, not a redelivery.
       */
      seq: z.number().int().positive().optional(),
    })
    .optional(),
  transitions: z.array(Transition),
  /** Review-loop progress: the round in progress or last finished. */
  round: z.number().int().nonnegative().optional(),
  /** Review-loop rounds, oldest first: phase, head, decision and fix list of each. */
  rounds: z.array(LoopRound).optional(),
  /** The checkpoint a supervised task is waiting at. */
  checkpoint: PendingCheckpoint.optional(),
});
export type TaskRecord = z.infer<typeof TaskRecord>;

/** Transitions kept in a record; older ones are still in the EVENTS stream. */
export const MAX_TRANSITIONS = 50;
