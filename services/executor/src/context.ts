import type { AgentBackend, BackendRegistry } from "@nightshift/agents";
import type { NightshiftConfig } from "@nightshift/config";
import type { Bus } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import type { SandboxDriver } from "@nightshift/sandbox";
import type { KnownSecret, SpareDirs, Workspaces } from "@nightshift/workspace";
import type { ControlWatch } from "./control-watch.ts";
import type { ExecutorMetrics } from "./metrics.ts";
import type { ResultSink } from "./result-sink.ts";
import type { TaskChores } from "./task-chores.ts";

/** A task running in this process, for `/status`. */
export interface RunningTask {
  taskId: string;
  attempt: number;
  backend: string;
  repo?: string | undefined;
  startedAt: string;
  pid?: number;
}

/** What the task handler needs; built once by the service. */
export interface ExecutorContext {
  bus: Bus;
  config: NightshiftConfig;
  backends: Pick<BackendRegistry, "get">;
  /** Opens each task's sandbox (bwrap, or none in a pod). */
  sandbox: SandboxDriver;
  log: Logger;
  instance: string;
  /** Cancellation flags and rate-limit breakers, from the control bucket. */
  control: ControlWatch;
  metrics: ExecutorMetrics;
  /** The agent's base environment: an allowlist, never the executor's secrets. */
  agentEnv: Readonly<Record<string, string>>;
  running: Map<string, RunningTask>;
  /** Deliver results outside NATS (pull requests, comments) before a task is finalised. */
  sinks: readonly ResultSink[];
  /**
   * One-shot runs (`executor.maxTasks`): `claim()` is false once the process has started
   * its share of attempts; the handler then leaves the task to another executor.
   */
  quota: { claim(): boolean };
  /** Repository mirrors and per-task workspaces. */
  workspaces: Workspaces;
  /** The executor's secrets: no push may contain their values. */
  secrets: readonly KnownSecret[];
  /** Clean-up finished attempts leave for after their slot is free. */
  chores: TaskChores;
  /** Empty agent homes made ahead of time. */
  homeSpares: SpareDirs;
}

export type { AgentBackend };
