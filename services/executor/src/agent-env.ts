/** Variables an agent may inherit from the executor's environment. */
const ALLOWED = ["PATH", "LANG", "LC_ALL", "TZ", "TERM"];

/**
 * The agent's base environment: only allowlisted variables, so tokens and credentials
 * of the executor (GITHUB_TOKEN, NATS_*, API keys) never reach the agent. HOME is the
 * task's private home, set per task; backends add exactly the keys they need (a model
 * API key) on top.
 */
export function agentBaseEnv(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ALLOWED) {
    const v = env[k];
    if (v !== undefined) out[k] = v;
  }
  out["PATH"] ??= "/usr/local/bin:/usr/bin:/bin";
  out["NIGHTSHIFT"] = "1";
  return out;
}

/**
 * What the agent is told about its attempt: the task id, the attempt number and, for a
 * task on a repository, the lease's fencing token (for agents that write elsewhere and
 * want to refuse a stale writer, and for audits such as the fault suite's).
 */
export function attemptEnv(
  taskId: string,
  attempt: number,
  fence: number | undefined,
): Record<string, string> {
  return {
    NIGHTSHIFT_TASK_ID: taskId,
    NIGHTSHIFT_ATTEMPT: String(attempt),
    ...(fence !== undefined ? { NIGHTSHIFT_LEASE_FENCE: String(fence) } : {}),
  };
}
