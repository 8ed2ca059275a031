import { lstat, rm } from "node:fs/promises";
import { join } from "node:path";
import { RESULT_FILE, type LoopRound } from "@nightshift/contracts";
import type { LoopRun } from "./loop-context.ts";

/**
 * Makes the workspace start round `prev.n + 1` from the head round `prev.n` pushed, as a
 * new attempt would. Nightshift commits what a worker leaves uncommitted in its own git
 * directory, not in the agent's repository, so after a round the agent's HEAD is behind
 * the pushed head: work built on it would not fast-forward the task's branch. Preparing
 * the workspace again takes the agent's copy over when it already holds the head, and
 * checks the head out afresh otherwise. Then the previous round's results file goes, so
 * a worker that writes none is not credited with the last round's report.
 */
export async function workspaceForRound(run: LoopRun, prev: LoopRound | undefined): Promise<void> {
  const { scope: s, ws } = run.m;
  const repo = ws.repo;
  if (repo && prev?.head !== undefined && repo.startCommit !== prev.head) {
    const next = await s.ctx.workspaces.prepare({
      taskId: s.task.id,
      attempt: s.record.attempt,
      repo: s.task.repo,
    });
    // The attempt's other holders (quota watch, cleanup) keep the same object.
    Object.assign(ws, next);
  }
  await removeStale(ws.dir, RESULT_FILE);
}

/**
 * Removes `rel` (a file under a folder of the agent's workspace) without following a link
 * the agent may have put on the way: a folder that is a symbolic link is removed itself.
 */
async function removeStale(root: string, rel: string): Promise<void> {
  const parts = rel.split("/");
  let at = root;
  for (const part of parts.slice(0, -1)) {
    at = join(at, part);
    const st = await lstat(at).catch(() => undefined);
    if (!st) return;
    if (!st.isDirectory()) {
      await rm(at, { force: true });
      return;
    }
  }
  await rm(join(at, parts.at(-1) ?? ""), { recursive: true, force: true });
}
