import { GitError, git, gitMaybe } from "./git.ts";
import type { Mirrors } from "./mirror.ts";
import type { PushOptions } from "./push.ts";
import type { Workspace } from "./workspace.ts";

export type LandResult =
  | { landed: true; commit: string; method: "fast-forward" | "merge" | "already" }
  | { landed: false; reason: string };

/**
 * Lands `head` (already pushed to the task's branch) on the base branch of origin: a
 * fast-forward when the base has not moved, else a merge commit when the two merge
 * cleanly, pushed without force (a base that moved meanwhile makes the push fail, and the
 * caller retries). A conflict is not landed. `opts.beforePush` runs right before git pushes;
 * throwing stops the push.
 */
export async function landWorkspace(
  ws: Workspace,
  head: string,
  mirrors: Mirrors,
  opts: PushOptions = {},
): Promise<LandResult> {
  const repo = ws.repo;
  if (!repo) throw new GitError(["land"], "the workspace has no repository", undefined);
  await mirrors.ensure(repo);
  const baseTip = await gitMaybe(repo.mirror, [
    "rev-parse",
    "--verify",
    "--quiet",
    `refs/heads/${repo.baseRef}`,
  ]);
  if (baseTip === undefined)
    return { landed: false, reason: `the base branch ${repo.baseRef} no longer exists` };
  const isAncestor = async (a: string, b: string): Promise<boolean> =>
    (await gitMaybe(repo.gitDir, ["merge-base", "--is-ancestor", a, b])) !== undefined;
  if (await isAncestor(head, baseTip)) return { landed: true, commit: baseTip, method: "already" };
  let commit = head;
  let method: "fast-forward" | "merge" = "fast-forward";
  if (!(await isAncestor(baseTip, head))) {
    const tree = await gitMaybe(repo.gitDir, [
      "merge-tree",
      "--write-tree",
      "--no-messages",
      baseTip,
      head,
    ]);
    if (tree === undefined)
      return {
        landed: false,
        reason: `${repo.branch} does not merge cleanly into ${repo.baseRef}`,
      };
    commit = await git(
      repo.gitDir,
      ["commit-tree", tree.split("\n")[0] ?? tree, "-p", baseTip, "-p", head, "-F", "-"],
      { input: `Merge ${repo.branch} into ${repo.baseRef}\n\nTask: ${ws.taskId}\n` },
    );
    method = "merge";
  }
  const url = await git(repo.mirror, ["config", "--get", "remote.origin.url"]);
  // Last, right before anything leaves (the executor confirms its lease here).
  await opts.beforePush?.();
  await git(
    repo.gitDir,
    ["push", "--quiet", "--no-verify", url, `${commit}:refs/heads/${repo.baseRef}`],
    { timeoutMs: 60 * 60_000 },
  );
  await mirrors.ensure(repo);
  return { landed: true, commit, method };
}
