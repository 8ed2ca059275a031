/** The workspace side of an attempt: how it was made, what became of its work, and its cleanup. */
import { coerceError, isNightshiftError, type PermanentError } from "@nightshift/errors";
import type { Logger } from "@nightshift/runtime";
import type { GitFacts, KnownSecret, Workspace, Workspaces } from "@nightshift/workspace";

/** What became of an attempt's work. */
export type Delivery =
  /** Settled, and pushed when there was something new (never for a NOOP). */
  | { kind: "delivered"; facts?: GitFacts; pushed: boolean; commit?: string }
  /** Not pushed, and never will be as it is: the commits hold credentials. */
  | { kind: "refused"; reason: string; detail: string; facts: GitFacts }
  /** Git failed (network, origin refused): worth another attempt. */
  | { kind: "failed"; detail: string }
  /** Not pushed: `beforePush` found the repository lease gone (LEASE_LOST). */
  | { kind: "lease-lost"; detail: string };

/**
 * Settles an attempt's workspace (commit leftovers, drop never-pushed paths) and pushes
 * its branch after the secret scan. Tasks without a repository have nothing to deliver.
 */
export async function deliverWork(
  workspaces: Workspaces,
  ws: Workspace,
  message: string,
  secrets: readonly KnownSecret[],
  beforePush?: () => Promise<void>,
): Promise<Delivery> {
  if (!ws.repo) return { kind: "delivered", pushed: false };
  let facts: GitFacts;
  try {
    facts = await workspaces.settle(ws, message);
  } catch (err) {
    return { kind: "failed", detail: coerceError(err).message };
  }
  if (facts.noop) return { kind: "delivered", facts, pushed: false, commit: facts.head };
  try {
    const pushed = await workspaces.push(ws, facts, secrets, beforePush ? { beforePush } : {});
    return { kind: "delivered", facts, pushed: pushed.pushed, commit: pushed.commit };
  } catch (err) {
    const e = coerceError(err);
    if (isNightshiftError(e, "LEASE_LOST")) return { kind: "lease-lost", detail: e.message };
    if (isNightshiftError(e, "PERMANENT"))
      return { kind: "refused", reason: (e as PermanentError).reason, detail: e.message, facts };
    return { kind: "failed", detail: e.message };
  }
}

/** A finished task's workspace goes now; otherwise it is kept for the task's next attempt. */
export async function cleanUpWorkspace(
  workspaces: Workspaces,
  ws: Workspace,
  finished: boolean,
  log: Logger,
): Promise<void> {
  try {
    if (finished) await workspaces.remove(ws);
    else await workspaces.release(ws);
  } catch (err) {
    log.warn({ err: coerceError(err) }, "workspace cleanup failed; the sweeper will do it");
  }
}

export function describeWorkspace(ws: Workspace): string {
  const p = ws.prepared;
  const mirror = `mirror ${p.mirror} in ${Math.round(p.mirrorMs)} ms`;
  const copy = p.reused
    ? `previous workspace taken over in ${Math.round(p.checkoutMs)} ms`
    : `checked out in ${Math.round(p.checkoutMs)} ms`;
  return `workspace ready on branch ${ws.branch} (${mirror}; ${copy})`;
}
