import { GitError, git, gitMaybe } from "./git.ts";
import type { KnownSecret } from "./secret-patterns.ts";
import { SecretDetectedError, scanForSecrets } from "./secret-scan.ts";
import type { GitFacts } from "./settle.ts";
import type { Workspace } from "./workspace.ts";

export interface PushResult {
  pushed: boolean;
  /** The branch's commit on origin after the call. */
  commit: string;
}

/**
 * Pushes a settled attempt's `head` to its branch on origin, fast-forward only. Before
 * anything leaves, the commits to push are scanned for the executor's secret values and
 * for common token shapes; a hit throws SecretDetectedError and nothing is pushed.
 */
export async function pushWorkspace(
  ws: Workspace,
  facts: GitFacts,
  secrets: readonly KnownSecret[],
): Promise<PushResult> {
  const repo = ws.repo;
  if (!repo) throw new GitError(["push"], "the workspace has no repository", undefined);
  const mirror = repo.mirror;
  const remote = await gitMaybe(mirror, [
    "rev-parse",
    "--verify",
    "--quiet",
    `refs/heads/${repo.branch}`,
  ]);
  if (remote === facts.head) return { pushed: false, commit: facts.head };
  if (facts.noop && remote === undefined) return { pushed: false, commit: facts.start };
  const findings = await scanForSecrets(mirror, facts.head, secrets);
  if (findings.length > 0) throw new SecretDetectedError(findings);
  await git(mirror, [
    "push",
    "--quiet",
    "--no-verify",
    "origin",
    `${facts.head}:refs/heads/${repo.branch}`,
  ]);
  // The push updates the mirror's copy of the branch through the fetch refspec; make sure.
  await git(mirror, ["update-ref", `refs/heads/${repo.branch}`, facts.head]);
  return { pushed: true, commit: facts.head };
}
