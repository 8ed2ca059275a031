import type { TaskResult } from "@nightshift/contracts";
import type { GitHubApi } from "./api.ts";
import { GitHubError } from "./errors.ts";
import type { GhPull } from "./schemas.ts";

export type PullLanding = NonNullable<TaskResult["landing"]>;

/**
 * A merged pull request for `branch` whose head is `head`: an earlier delivery of the
 * same task landed it already.
 */
export async function mergedPull(
  api: GitHubApi,
  repo: string,
  branch: string,
  head: string,
): Promise<GhPull | undefined> {
  const owner = repo.split("/")[0] ?? "";
  const pulls = await api.pullsByHead(repo, `${owner}:${branch}`, "all");
  return pulls.find((p) => p.head.ref === branch && p.head.sha === head && p.merged_at);
}

/**
 * Merges an approved task's pull request at the approved commit `head`, and nothing
 * else: GitHub refuses (409) when the branch moved since. A pull request GitHub will not
 * merge (a draft, a conflict, a protected branch's rules) stays ready for review, with
 * GitHub's reason; other failures are thrown for the delivery to be retried.
 */
export async function landPull(
  api: GitHubApi,
  repo: string,
  pr: GhPull,
  head: string,
  taskId: string,
): Promise<PullLanding> {
  if (pr.draft)
    return { state: "ready-for-review", detail: `pull request #${pr.number} is a draft` };
  try {
    const merged = await api.mergePull(repo, pr.number, {
      sha: head,
      title: `Merge pull request #${pr.number} (nightshift task ${taskId})`,
    });
    if (!merged.merged)
      return { state: "ready-for-review", detail: `GitHub did not merge #${pr.number}` };
    return { state: "landed", commit: merged.sha, detail: `pull request #${pr.number} merged` };
  } catch (err) {
    if (err instanceof GitHubError && [403, 405, 409, 422].includes(err.status))
      return {
        state: "ready-for-review",
        detail: `GitHub refused to merge #${pr.number}: ${err.message}`,
      };
    throw err;
  }
}
