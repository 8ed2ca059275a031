import { z } from "zod";

/** Value of `cancel.<taskId>` in the control bucket. */
export const CancelRequest = z.strictObject({
  at: z.iso.datetime(),
  by: z.string().default("cli"),
  message: z.string().optional(),
});
export type CancelRequest = z.infer<typeof CancelRequest>;

/** Value of `approval.<taskId>`: the answer to a supervised checkpoint. */
export const ApprovalDecision = z.strictObject({
  decision: z.enum(["approve", "reject"]),
  at: z.iso.datetime(),
  by: z.string(),
  message: z.string().optional(),
  /** The checkpoint this answers; an answer for an older checkpoint is ignored. */
  checkpoint: z.string().optional(),
});
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

/** Value of `pause.all` / `pause.schedule.<name>`. */
export const PauseFlag = z.strictObject({
  at: z.iso.datetime(),
  by: z.string(),
});
export type PauseFlag = z.infer<typeof PauseFlag>;

/** Value of `<service>.<instance>` in the services bucket, refreshed while the instance runs. */
export const Presence = z.strictObject({
  service: z.string(),
  instance: z.string(),
  startedAt: z.iso.datetime(),
  seenAt: z.iso.datetime(),
  state: z.string(),
  http: z.string().optional(),
});
export type Presence = z.infer<typeof Presence>;
