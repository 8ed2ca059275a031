import type { TaskEventBody, Usage } from "@nightshift/contracts";
import type { Sandbox } from "@nightshift/sandbox";

/** Everything a backend needs to run one attempt of a task. */
export interface AgentRunInput {
  taskId: string;
  attempt: number;
  prompt: string;
  /** Working directory of the agent (the task's worktree or an empty folder). */
  workspace: string;
  model?: string | undefined;
  /** The base environment for the agent process (already scrubbed of executor secrets). */
  env: Readonly<Record<string, string>>;
  sandbox: Sandbox;
  /** Emits a normalised task event (assistant text, tool calls, output lines, usage …). */
  emit: (event: TaskEventBody) => void;
  /**
   * Called once the agent process runs, with the wall-clock time (ms) it started: dispatch
   * latency is measured from the task's publish to this moment.
   */
  onSpawn?: (pid: number, at: number) => void;
  /** Aborted on timeout or cancellation; `signal.reason` says which. */
  signal: AbortSignal;
  /** After SIGTERM, how long before SIGKILL. */
  killGraceMs: number;
}

export interface AgentRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  usage: Usage;
  /** The backend's own session/thread id, for resuming. */
  sessionId?: string;
  /** Final text of the agent, if the backend reports one. */
  finalText?: string;
  /** Set when the run stopped because `signal` was aborted. */
  aborted?: string;
}

/** One way of running an agent. Backends are looked up by the `type` in their config. */
export interface AgentBackend {
  readonly name: string;
  run(input: AgentRunInput): Promise<AgentRunResult>;
}
