import type { GitHubApi } from "./api.ts";
import { GitHubError } from "./errors.ts";
import { marker, parseMarkers } from "./markers.ts";
import type { GhPull } from "./schemas.ts";

export interface PullRequestSpec {
  /** `owner/name` the pull request is opened in. */
  repo: string;
  head: string;
  base: string;
  title: string;
  /** The description, without markers. */
  description: string;
  /** `Fixes #12` lines. */
  fixes: string[];
  taskId: string;
  /** `owner/name#12` of the issue the work is for. */
  issue: string;
  draft: boolean;
  labels: string[];
  /** Extra hidden lines (the seed format's `agent_task_metadata`). */
  extra?: string[];
}

function body(spec: PullRequestSpec, taskIds: string[]): string {
  const markers = taskIds.map((id) => marker({ task: id, issue: spec.issue }));
  return [spec.description.trim(), "", ...spec.fixes, "", ...markers, ...(spec.extra ?? [])]
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

async function openFor(api: GitHubApi, spec: PullRequestSpec): Promise<GhPull | undefined> {
  const owner = spec.repo.split("/")[0] ?? "";
  const pulls = await api.pullsByHead(spec.repo, `${owner}:${spec.head}`, "open");
  return pulls.find((p) => p.head.ref === spec.head);
}

async function update(api: GitHubApi, spec: PullRequestSpec, pr: GhPull): Promise<GhPull> {
  const ids = parseMarkers(pr.body)
    .map((m) => m["task"])
    .filter((id): id is string => id !== undefined);
  if (!ids.includes(spec.taskId)) ids.push(spec.taskId);
  const next = body(spec, ids);
  if (next === (pr.body ?? "")) return pr;
  return api.updatePull(spec.repo, pr.number, { body: next });
}

/**
 * The one pull request for a branch: opened the first time (with the task's marker and
 * `Fixes #N`), updated by every later task on the same branch (a retry, a follow-up).
 */
export async function ensurePullRequest(api: GitHubApi, spec: PullRequestSpec): Promise<GhPull> {
  const existing = await openFor(api, spec);
  if (existing) return update(api, spec, existing);
  let created: GhPull;
  try {
    created = await api.createPull(spec.repo, {
      title: spec.title,
      head: spec.head,
      base: spec.base,
      body: body(spec, [spec.taskId]),
      draft: spec.draft,
    });
  } catch (err) {
    // Another delivery of the same task opened it meanwhile: update that one.
    if (err instanceof GitHubError && err.status === 422) {
      const again = await openFor(api, spec);
      if (again) return update(api, spec, again);
    }
    throw err;
  }
  if (spec.labels.length > 0) await api.addLabels(spec.repo, created.number, spec.labels);
  return created;
}
