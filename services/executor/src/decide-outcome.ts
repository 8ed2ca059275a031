import { AgentResultFile, type TaskState } from "@nightshift/contracts";
import type { StopReason } from "./stops.ts";

/** What the results file said, after reading it from the workspace. */
export type ResultFileState =
  | { kind: "missing" }
  | { kind: "invalid"; error: string }
  | { kind: "valid"; value: AgentResultFile };

export interface OutcomeFacts {
  exitCode: number | null;
  signal: string | null;
  stopped?: StopReason | "max-turns" | undefined;
  /** The backend's own verdict from its final event, when it has one. */
  backendError?: string | undefined;
  resultFile: ResultFileState;
  /** Whether the backend is expected to write the results file. */
  resultRequired: boolean;
  /** Undefined for tasks without a repository. `noop`: no commit and no change. */
  git?: { noop: boolean } | undefined;
  /** The repository's check command after the agent, when one is configured. */
  check?: { passed: boolean; output: string } | undefined;
  /** The detail to use for a timeout. */
  timeoutDetail?: string;
  quotaDetail?: string;
  maxTurnsDetail?: string;
  /** How a cancellation came about (the request's message, a rejection). */
  cancelDetail?: string;
}

export interface Decision {
  state: Extract<TaskState, "succeeded" | "failed" | "blocked" | "cancelled">;
  /** Machine-readable reason (`timeout`, `noop`, `invalid-result` …); absent on success. */
  reason?: string;
  detail?: string;
  /** `result.outcome` in the record. */
  outcome: string;
  summary?: string;
}

function fail(reason: string, detail: string, summary?: string): Decision {
  return {
    state: "failed",
    reason,
    detail,
    outcome: reason,
    ...(summary !== undefined ? { summary } : {}),
  };
}

/**
 * Decides a finished attempt's outcome from every source at once: how the run was
 * stopped, the exit code, the backend's final event, the results file and the git
 * state. A claim of "done" counts only when the others agree with it.
 */
export function decideOutcome(f: OutcomeFacts): Decision {
  switch (f.stopped) {
    case "cancelled":
      return {
        state: "cancelled",
        reason: "cancelled",
        detail: f.cancelDetail ?? "cancelled while running",
        outcome: "cancelled",
      };
    case "timeout":
      return fail("timeout", f.timeoutDetail ?? "exceeded its time limit");
    case "max-turns":
      return fail("max-turns", f.maxTurnsDetail ?? "reached its turn limit before finishing");
    case "budget":
      return fail("budget", "reached its cost limit before finishing");
    case "disk-quota":
      return fail("disk-quota", f.quotaDetail ?? "the workspace exceeded its disk quota");
    case "shutdown":
    case "lease-lost":
    case undefined:
      break;
  }
  if (f.exitCode !== 0) {
    return fail(
      "exit-code",
      f.signal ? `agent killed by ${f.signal}` : `agent exited with code ${f.exitCode ?? "?"}`,
    );
  }
  if (f.backendError !== undefined) return fail("agent-error", f.backendError);
  const file = f.resultFile;
  if (file.kind === "invalid")
    return fail("invalid-result", `.nightshift/result.json is invalid: ${file.error}`);
  if (file.kind === "missing" && f.resultRequired) {
    return fail("invalid-result", "the agent did not write .nightshift/result.json");
  }
  const summary = file.kind === "valid" ? file.value.summary : undefined;
  if (file.kind === "valid" && file.value.status === "blocked") {
    return {
      state: "blocked",
      reason: "blocked",
      detail: file.value.blockers.join("; ") || file.value.summary,
      outcome: "blocked",
      summary: file.value.summary,
    };
  }
  if (file.kind === "valid" && file.value.status === "needs_input") {
    return {
      state: "blocked",
      reason: "needs-input",
      detail: file.value.blockers.join("; ") || file.value.summary,
      outcome: "needs-input",
      summary: file.value.summary,
    };
  }
  const failedTests = file.kind === "valid" ? file.value.testsRun.filter((t) => !t.passed) : [];
  if (failedTests.length > 0) {
    return fail(
      "tests-failed",
      `the agent reported failing tests: ${failedTests.map((t) => t.command).join(", ")}`,
      summary,
    );
  }
  if (f.git?.noop === true) {
    return fail("noop", "the agent exited 0 without committing or changing anything", summary);
  }
  if (f.check && !f.check.passed) {
    return fail(
      "regression",
      `the repository's check failed after the agent's changes: ${f.check.output.slice(-500)}`,
      summary,
    );
  }
  return {
    state: "succeeded",
    outcome: "succeeded",
    ...(summary !== undefined ? { summary } : {}),
  };
}

/** Parses the results file's text. */
export function parseResultFile(text: string | undefined): ResultFileState {
  if (text === undefined) return { kind: "missing" };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { kind: "invalid", error: `not JSON (${(err as Error).message})` };
  }
  const r = AgentResultFile.safeParse(raw);
  if (!r.success) {
    return {
      kind: "invalid",
      error: r.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; "),
    };
  }
  return { kind: "valid", value: r.data };
}
