import { z } from "zod";
import { duration } from "../duration.ts";

export const ExecutorConfig = z.strictObject({
  /** Tasks one executor process runs at once; one message is buffered per free slot. */
  slots: z.number().int().min(1).max(256).default(2),
  /** Where per-task workspaces live. */
  workspaces: z.string().min(1).default(".nightshift/workspaces"),
  /** Backend for tasks that name none. */
  defaultBackend: z.string().min(1).optional(),
  /** Wall-clock limit for tasks that set none. */
  timeout: duration().default(3_600_000),
  /** After SIGTERM to the agent's process group, how long before SIGKILL. */
  killGrace: duration().default(10_000),
  /** Attempts (deliveries that got to run) before a task is dead-lettered. */
  maxAttempts: z.number().int().min(1).default(3),
  /** Delay before retrying a task whose attempt failed for a retryable reason. */
  retryDelay: duration().default(30_000),
  /** Delay before looking again at a task whose repository is busy (spread over ±50 %). */
  busyDelay: duration().default(5_000),
  /** How long a shutting-down executor lets running tasks finish before stopping them. */
  drainTimeout: duration().default(30_000),
  /**
   * How long before a task's time limit the agent is told to wrap up (write its result,
   * commit); the hard stop follows at the limit.
   */
  wrapUp: duration().default(120_000),
  /** Stop taking tasks after this many and exit (one-shot runs, Kubernetes Jobs). */
  maxTasks: z.number().int().positive().optional(),
  /**
   * How often a running agent's private home (its session and transcript) is saved to the
   * object store, so an attempt on another machine can resume the session.
   */
  sessionArchive: duration().default(60_000),
});
export type ExecutorConfig = z.infer<typeof ExecutorConfig>;
