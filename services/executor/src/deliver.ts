import {
  coerceError,
  isNightshiftError,
  NightshiftError,
  type PermanentError,
} from "@nightshift/errors";
import type { GitFacts, KnownSecret, Workspace, Workspaces } from "@nightshift/workspace";

export type Settled = { kind: "settled"; facts: GitFacts } | { kind: "failed"; detail: string };

/** Commits what the agent left and strips never-pushed paths; tells what the attempt amounts to. */
export async function settleWork(
  workspaces: Workspaces,
  ws: Workspace,
  message: string,
): Promise<Settled> {
  try {
    return { kind: "settled", facts: await workspaces.settle(ws, message) };
  } catch (err) {
    return { kind: "failed", detail: coerceError(err).message };
  }
}

export type Pushed =
  | { kind: "pushed"; pushed: boolean; commit?: string }
  /** Never pushed as it is: the commits hold credentials. */
  | { kind: "refused"; reason: string; detail: string }
  /** Git failed (network, origin refused): worth another attempt. */
  | { kind: "failed"; detail: string }
  /** Not pushed: `beforePush` found the repository lease gone. */
  | { kind: "lease-lost"; detail: string };

/**
 * Pushes the task's branch after the secret scan; nothing to push for a NOOP. `beforePush`
 * runs last before git (the lease check) and stops the push by throwing LEASE_LOST.
 */
export async function pushWork(
  workspaces: Workspaces,
  ws: Workspace,
  facts: GitFacts,
  secrets: readonly KnownSecret[],
  beforePush?: () => Promise<void>,
): Promise<Pushed> {
  if (facts.noop) return { kind: "pushed", pushed: false, commit: facts.head };
  try {
    const r = await workspaces.push(ws, facts, secrets, beforePush ? { beforePush } : {});
    return {
      kind: "pushed",
      pushed: r.pushed,
      ...(r.commit !== undefined ? { commit: r.commit } : {}),
    };
  } catch (err) {
    const e = coerceError(err);
    if (isNightshiftError(e, "LEASE_LOST")) return { kind: "lease-lost", detail: e.message };
    if (isNightshiftError(e, "PERMANENT"))
      return { kind: "refused", reason: (e as PermanentError).reason, detail: e.message };
    return { kind: "failed", detail: e.message };
  }
}

export function commitMessage(prompt: string, taskId: string, attempt: number): string {
  const line = prompt.trim().split("\n")[0] ?? "";
  const subject = line.length > 72 ? `${line.slice(0, 69)}...` : line;
  return `nightshift: ${subject}\n\nTask: ${taskId}\nAttempt: ${attempt}`;
}

/**
 * The check before a push: the world sees the push, so only the lease's current holder may
 * make it, and a push that has started finishes on its own (within the lease just renewed).
 */
export function leaseCheck(holds: () => Promise<boolean>): () => Promise<void> {
  return async () => {
    if (!(await holds()))
      throw new NightshiftError("LEASE_LOST", "the repository lease was lost before the push");
  };
}
