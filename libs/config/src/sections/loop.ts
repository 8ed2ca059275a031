import { z } from "zod";

const Role = z.strictObject({
  /** A backend defined under `backends`. */
  backend: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
});

/**
 * Review loops (tasks with `loop`): who plays each role when the task does not say. A
 * task's `loop.worker` / `loop.reviewer` (its card, `--worker`, `--reviewer`) wins; the
 * worker then falls back to the task's backend and model, the reviewer to the worker's
 * backend. A role's model applies only with its backend here (or when none is named).
 */
export const LoopConfig = z.strictObject({
  worker: Role.default({}),
  reviewer: Role.default({}),
});
export type LoopConfig = z.infer<typeof LoopConfig>;
