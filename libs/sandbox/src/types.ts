import type { Readable, Writable } from "node:stream";

export interface SpawnSpec {
  argv: readonly string[];
  cwd: string;
  /** The complete environment of the process: nothing is inherited from the executor. */
  env: Readonly<Record<string, string>>;
  /** Pipe stdin (for prompts passed on stdin); otherwise it is /dev/null. */
  stdin?: boolean;
  /** Run as this user and group (the executor must be root to switch). */
  uid?: number;
  gid?: number;
  /**
   * Host paths the program needs to see read-only beyond the system directories (an agent
   * CLI installed in node_modules). Drivers without a filesystem view ignore it.
   */
  readOnly?: readonly string[];
}

export interface SandboxProcess {
  /** The process (and group) id; -1 until `started` resolved, or when spawning failed. */
  readonly pid: number;
  /** Resolves once the process runs: its pid and the wall-clock time (ms) it started. */
  readonly started: Promise<{ pid: number; at: number }>;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin: Writable | null;
  /** Resolves when the process has exited and its whole process group is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals the whole process group. */
  killGroup(signal: NodeJS.Signals): void;
}

/** Runs agent processes; drivers differ in how much of the host the process can see. */
export interface Sandbox {
  readonly driver: string;
  spawn(spec: SpawnSpec): SandboxProcess;
}

/** What one task's sandbox may write: its workspace and its private home. */
export interface SandboxOpenOptions {
  taskId: string;
  workspace: string;
  home: string;
}

/** A sandbox prepared for one task; `close` gives the directories back to the executor. */
export interface TaskSandbox extends Sandbox {
  /** The user the agent runs as, when the driver switches users. */
  readonly uid?: number;
  readonly gid?: number;
  /** Variables the agent's environment needs for this sandbox (egress proxy settings). */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** Creates per-task sandboxes. */
export interface SandboxDriver {
  readonly name: "bwrap" | "none";
  open(opts: SandboxOpenOptions): Promise<TaskSandbox>;
  /** Stops what the driver runs for all tasks (the egress proxy). */
  close(): Promise<void>;
}
