import { z } from "zod";
import { duration } from "../duration.ts";

/** Settings for repositories whose URL (or repo key) matches. The first match wins. */
export const RepositoryConfig = z.strictObject({
  /** A repository URL or path as tasks name it, or its repo key; `*` matches every one. */
  match: z.string().min(1),
  /**
   * A command run in the workspace (inside the sandbox) after the agent, e.g. `npm test`.
   * Its failure is a `regression`: a checkpoint in supervised mode, a failure otherwise.
   */
  check: z
    .strictObject({
      command: z.string().min(1),
      timeout: duration().default(600_000),
    })
    .optional(),
});
export type RepositoryConfig = z.infer<typeof RepositoryConfig>;

export const RepositoriesConfig = z.array(RepositoryConfig).default([]);
export type RepositoriesConfig = z.infer<typeof RepositoriesConfig>;
