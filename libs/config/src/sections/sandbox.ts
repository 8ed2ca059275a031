import { z } from "zod";
import { bytes } from "../bytes.ts";

/**
 * Where agents run. `bwrap`: bubblewrap (read-only system, only the workspace and a
 * private home writable, private /tmp, own PID namespace). `none`: the process group only,
 * for Kubernetes pods that are the sandbox themselves. `auto`: bwrap when it works here.
 */
export const SandboxConfig = z.strictObject({
  driver: z.enum(["auto", "bwrap", "none"]).default("auto"),
  /**
   * When the executor runs as root, agents run as uid `uid … uid+slots-1` (one per
   * running task, gid likewise); Claude Code refuses to skip permissions as root.
   */
  user: z
    .strictObject({
      uid: z.number().int().min(1).max(4_000_000_000).default(10_000),
      gid: z.number().int().min(1).max(4_000_000_000).default(10_000),
    })
    .default({ uid: 10_000, gid: 10_000 }),
  /**
   * Per-task private home directories (HOME of the agent; kept across a task's attempts).
   * Default: `.homes` under `executor.workspaces`.
   */
  homes: z.string().min(1).optional(),
  limits: z
    .strictObject({
      /** Data (heap) per process. */
      memory: bytes().optional(),
      /** Processes and threads of one task (needs the executor to run as root). */
      processes: z.number().int().min(8).optional(),
      /** Largest file an agent may write. */
      fileSize: bytes().optional(),
      /** Open files per process. */
      openFiles: z.number().int().min(16).optional(),
    })
    .default({}),
  /** Extra host paths agents may read (tools outside /usr), with the bwrap driver. */
  readOnly: z.array(z.string().startsWith("/")).default([]),
  /**
   * Only these hosts (`host`, `host:port`, `*.domain`) are reachable, through an HTTP proxy
   * in the executor. `strict` (bwrap only) also takes the sandbox off the network, so the
   * proxy is the only way out; otherwise agents that ignore HTTPS_PROXY get around it.
   */
  egress: z
    .strictObject({
      allow: z.array(z.string().min(1)).min(1),
      strict: z.boolean().default(false),
    })
    .optional(),
});
export type SandboxConfig = z.infer<typeof SandboxConfig>;
