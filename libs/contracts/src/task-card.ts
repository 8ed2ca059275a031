import { z } from "zod";

/**
 * A task card: what "done" means for a task, in a form both the worker and the
 * reviewer can check against. Accepted from the CLI, task files and every source.
 */
export const TaskCard = z.strictObject({
  goal: z.string().min(1),
  inScope: z.array(z.string().min(1)).default([]),
  outOfScope: z.array(z.string().min(1)).default([]),
  acceptance: z.array(z.string().min(1)).default([]),
  constraints: z.array(z.string().min(1)).default([]),
  testSteps: z.array(z.string().min(1)).default([]),
});
export type TaskCard = z.infer<typeof TaskCard>;
