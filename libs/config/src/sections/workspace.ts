import { z } from "zod";
import { duration } from "../duration.ts";
import { size } from "../size.ts";

/**
 * Git workspaces of the executor. Per-task workspaces live under `executor.workspaces`;
 * this section holds the shared mirrors, cleanup and the disk quota.
 */
export const WorkspaceConfig = z.strictObject({
  /**
   * Bare mirrors, one per repository, shared by every task on it. Default:
   * `<executor.workspaces>/.mirrors`; keep them on the workspaces' filesystem, where task
   * copies hard-link the mirror's objects instead of copying them.
   */
  mirrors: z.string().min(1).optional(),
  /**
   * A workspace whose owner is gone (its executor stopped or crashed) is removed after
   * this long without activity. Finished tasks' workspaces go at the next sweep.
   */
  ttl: duration().default(24 * 3_600_000),
  /** How often the executor sweeps its workspaces directory. */
  sweepInterval: duration().default(10 * 60_000),
  /** Disk one task's workspace may use; a task over it stops with reason `disk-quota`. */
  quota: size().default(10 * 1024 ** 3),
  /** How often a running task's workspace is measured against the quota. */
  quotaInterval: duration().default(15_000),
});
export type WorkspaceConfig = z.infer<typeof WorkspaceConfig>;
