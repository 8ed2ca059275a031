import { z } from "zod";
import { duration } from "../duration.ts";

/**
 * Policy-gated landing of an approved review loop: the approved head is merged into the
 * base branch (GitHub: the pull request is merged; plain git: a fast-forward or merge
 * push). Only when the repository's check passed at the approved commit and every changed
 * file matches `paths`; otherwise the task stops at "ready for review".
 */
export const LandingConfig = z.strictObject({
  enabled: z.boolean().default(false),
  /** Globs (`src/**`, `*.md`); every changed file must match one. Empty: any path. */
  paths: z.array(z.string().min(1)).default([]),
});
export type LandingConfig = z.infer<typeof LandingConfig>;

/** Settings for repositories whose URL (or repo key) matches. The first match wins. */
export const RepositoryConfig = z
  .strictObject({
    /** A repository URL or path as tasks name it, or its repo key; `*` matches every one. */
    match: z.string().min(1),
    /**
     * A command run in the workspace (inside the sandbox) after the agent, e.g. `npm test`.
     * Its failure is a `regression`: a checkpoint in supervised mode, a failure otherwise.
     * In a review loop it runs at every round's head; an approval counts only if it passed.
     */
    check: z
      .strictObject({
        command: z.string().min(1),
        timeout: duration().default(600_000),
      })
      .optional(),
    landing: LandingConfig.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.landing?.enabled !== true) return;
    if (r.match === "*")
      ctx.addIssue({
        code: "custom",
        path: ["landing"],
        message: "landing is allowed per repository only: name the repository in match, not *",
      });
    if (!r.check)
      ctx.addIssue({
        code: "custom",
        path: ["landing"],
        message: "landing needs a check command: only a passing check at the approved commit lands",
      });
  });
export type RepositoryConfig = z.infer<typeof RepositoryConfig>;

export const RepositoriesConfig = z.array(RepositoryConfig).default([]);
export type RepositoriesConfig = z.infer<typeof RepositoriesConfig>;
