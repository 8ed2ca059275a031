import { z } from "zod";
import { duration } from "../duration.ts";

/**
 * Where tasks in `supervised` mode stop for a person (`nightshift approve|reject`, an
 * email reply, the API): before pushing, every N turns, when the agent reports a blocker,
 * when the repository's check fails after the agent.
 */
export const SupervisionConfig = z.strictObject({
  checkpoints: z
    .array(z.enum(["before-push", "every-turns", "on-blocker", "on-regression"]))
    .default(["before-push", "on-blocker", "on-regression"]),
  /** With `every-turns`: pause after every this many model turns. */
  everyTurns: z.number().int().positive().default(20),
  /** A checkpoint unanswered this long ends the task as cancelled (`approval-timeout`). */
  approvalTimeout: duration().default(24 * 3_600_000),
});
export type SupervisionConfig = z.infer<typeof SupervisionConfig>;
