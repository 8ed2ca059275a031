import { z } from "zod";
import { ApprovalDecision, PauseFlag } from "@nightshift/contracts";

/** Schedule names are one subject token: the key is `pause.schedule.<name>`. */
export const ScheduleName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be letters, digits, _ and - (at most 64)");

/** Pause or resume everything, or one schedule. */
export const PauseBody = z.strictObject({ schedule: ScheduleName.optional() });
export type PauseBody = z.infer<typeof PauseBody>;

/** The pause flags in the control bucket. */
export const PauseState = z.strictObject({
  all: PauseFlag.nullable(),
  schedules: z.record(z.string(), PauseFlag),
});
export type PauseState = z.infer<typeof PauseState>;

/** The pause flags after a resume, and whether the flag resumed had been set. */
export const ResumeResponse = PauseState.extend({ resumed: z.boolean() });
export type ResumeResponse = z.infer<typeof ResumeResponse>;

export const DecisionResponse = z.strictObject({ taskId: z.string(), decision: ApprovalDecision });
export type DecisionResponse = z.infer<typeof DecisionResponse>;
