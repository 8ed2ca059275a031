import { z } from "zod";
import { LoopRound, TaskId, TaskState } from "@nightshift/contracts";

/** One round of a review loop with its archived artifacts (name → the JSON stored). */
export const RoundView = z.strictObject({
  round: LoopRound,
  /** `work-report`, `review-request`, `review-report`, `fix-list`, as archived. */
  artifacts: z.record(z.string(), z.unknown()),
});
export type RoundView = z.infer<typeof RoundView>;

/** A review loop's whole conversation: `nightshift status <id> --rounds`. */
export const TaskRounds = z.strictObject({
  id: TaskId,
  state: TaskState,
  reason: z.string().optional(),
  detail: z.string().optional(),
  /** The loop's round limit; absent for a task that is not a loop. */
  maxRounds: z.number().int().positive().optional(),
  rounds: z.array(RoundView),
});
export type TaskRounds = z.infer<typeof TaskRounds>;
