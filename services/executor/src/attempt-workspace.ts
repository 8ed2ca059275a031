/** The workspace side of an attempt: how it was made, what became of its work, and its cleanup. */
import { coerceError } from "@nightshift/errors";
import type { Logger } from "@nightshift/runtime";
import type { Workspace, Workspaces } from "@nightshift/workspace";

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
