import { z } from "zod";

/** Why a schedule's fire did not publish a task. */
export const ScheduleSkipReason = z.enum(["gate", "gate-error", "paused", "disabled", "missed"]);
export type ScheduleSkipReason = z.infer<typeof ScheduleSkipReason>;

/**
 * Value of `schedule.<name>` in the cursors bucket: how far a schedule has been handled and
 * what happened, shared by every scheduler replica and `nightshift trigger`. Changed only by
 * compare-and-set; the cursor only moves forward.
 */
export const ScheduleState = z.strictObject({
  v: z.literal(1),
  name: z.string().min(1),
  cron: z.string().min(1),
  timezone: z.string().min(1),
  /** The last slot (nominal fire time) handled, fired or skipped; later slots are still due. */
  cursor: z.iso.datetime(),
  /** The next fire times as computed by whoever wrote this value. */
  next: z.array(z.iso.datetime()).default([]),
  /** Fires that published a new task. */
  fires: z.number().int().nonnegative().default(0),
  /** Fires that published nothing, by reason. */
  skips: z.partialRecord(ScheduleSkipReason, z.number().int().nonnegative()).default({}),
  last: z
    .strictObject({
      slot: z.iso.datetime(),
      outcome: z.enum(["published", "duplicate", "skipped"]),
      reason: ScheduleSkipReason.optional(),
      detail: z.string().optional(),
      taskId: z.string().optional(),
      at: z.iso.datetime(),
    })
    .optional(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.string(),
});
export type ScheduleState = z.infer<typeof ScheduleState>;
