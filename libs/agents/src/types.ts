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
  /** Model turns allowed (the task's limit, else the backend's default). */
  maxTurns?: number | undefined;
  /** Continue this earlier session of the same backend instead of starting a new one. */
  resume?: { sessionId: string } | undefined;
  /** Instructions appended to the backend's system prompt (result contract, wrap-up …). */
  systemPrompt?: string | undefined;
  /** Files the agent creates through in-process tools are given to this user. */
  owner?: { uid: number; gid: number } | undefined;
  /**
   * Called as soon as the backend knows its session or thread id, so a crash mid-run can
   * still be resumed.
   */
  onSession?: ((sessionId: string) => void) | undefined;
  /**
   * Backends that drive the model loop themselves await this before every model request
   * after the first (`turns` done so far): supervised checkpoints pause here.
   */
  betweenTurns?: ((turns: number) => Promise<void>) | undefined;
  /**
   * Aborted when the time limit is near. Backends that can talk to the model mid-run tell
   * it to wrap up; the reason is the message to pass on.
   */
  wrapUp?: AbortSignal | undefined;
}

/** A provider refused for rate limiting; the task should wait until `resetAt`. */
export interface RateLimitSignal {
  /** ISO time after which a retry may succeed. */
  resetAt: string;
  /** Where `resetAt` came from: a header, Claude Code's rate-limit event, or the fallback. */
  source: "retry-after" | "reset-header" | "rate-limit-event" | "fallback";
  message?: string;
}

export interface AgentRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  usage: Usage;
  /** The backend's own session/thread id, for resuming. */
  sessionId?: string;
  /** Final text of the agent, if the backend reports one. */
  finalText?: string;
  /**
   * Set when the run was stopped: `signal.reason` (timeout, cancelled …) when aborted from
   * outside, `max-turns` when the turn limit was reached.
   */
  aborted?: string;
  /** The provider rate-limited the run; wait and resume instead of failing. */
  rateLimit?: RateLimitSignal;
  /** What went wrong, as the backend reported it (API errors, invalid responses). */
  error?: string;
  /** The model the usage was priced for. */
  model?: string;
}

/** One way of running an agent. Backends are looked up by the `type` in their config. */
export interface AgentBackend {
  readonly name: string;
  run(input: AgentRunInput): Promise<AgentRunResult>;
}
