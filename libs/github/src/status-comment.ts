import type { TaskState } from "@nightshift/contracts";
import type { GitHubApi } from "./api.ts";
import { hasMarker, marker } from "./markers.ts";

/** What the status comment of one task shows. */
export interface StatusView {
  taskId: string;
  state: TaskState;
  /** Who asked and how: "@alice labelled the issue `nightshift`". */
  trigger: string;
  /** Attempt number of this item and the cap. */
  attempt?: { n: number; max: number } | undefined;
  /** A short, public-safe failure reason. */
  reason?: string | undefined;
  /** When a failed task will be tried again. */
  retryAt?: string | undefined;
  /** No more attempts will be made. */
  gaveUp?: boolean | undefined;
  branch?: string | undefined;
  pullRequestUrl?: string | undefined;
}

const HEADLINE: Record<TaskState, string> = {
  queued: "queued",
  waiting: "waiting to start",
  running: "working on it",
  succeeded: "done",
  failed: "failed",
  blocked: "blocked",
  cancelled: "cancelled",
};

/** The comment body; the pull request link, when there is one, is its last line. */
export function renderStatus(v: StatusView, opts: { marker?: boolean } = {}): string {
  const lines = opts.marker === false ? [] : [marker({ task: v.taskId, kind: "status" })];
  const a = v.attempt;
  const showAttempt = a !== undefined && a.max > 1 && (a.n > 1 || v.state === "failed");
  const attempt = showAttempt ? ` (attempt ${a.n} of ${a.max})` : "";
  lines.push(`**nightshift** · task \`${v.taskId}\` · **${HEADLINE[v.state]}**${attempt}`, "");
  lines.push(v.trigger);
  if (v.reason && (v.state === "failed" || v.state === "blocked" || v.state === "cancelled"))
    lines.push("", `Reason: ${v.reason}`);
  if (v.state === "failed" && v.retryAt) lines.push("", `I will try again after ${v.retryAt}.`);
  if (v.gaveUp)
    lines.push(
      "",
      "I have stopped trying. Remove and add the label again, or mention me, to start over.",
    );
  if (v.state === "succeeded" && !v.pullRequestUrl) lines.push("", "Finished without changes.");
  if (v.branch && !v.pullRequestUrl && v.state !== "succeeded")
    lines.push("", `Work so far is on branch \`${v.branch}\`.`);
  if (v.pullRequestUrl) lines.push("", `Pull request: ${v.pullRequestUrl}`);
  return lines.join("\n");
}

/** A status comment found on GitHub. */
export interface FoundComment {
  id: number;
  body: string;
}

/** The status comment of a task on an issue or pull request, found by its marker. */
export async function findStatusComment(
  api: GitHubApi,
  repo: string,
  n: number,
  taskId: string,
): Promise<FoundComment | undefined> {
  const comments = await api.issueComments(repo, n);
  const c = comments.find((x) => hasMarker(x.body, { task: taskId, kind: "status" }));
  return c ? { id: c.id, body: c.body ?? "" } : undefined;
}

/**
 * Creates the task's status comment, or edits the one there (found by its marker, or by
 * the id remembered from last time). An unchanged body is not written again.
 */
export async function upsertStatusComment(
  api: GitHubApi,
  repo: string,
  n: number,
  view: StatusView,
  known?: FoundComment,
): Promise<FoundComment> {
  const body = renderStatus(view);
  const existing = known ?? (await findStatusComment(api, repo, n, view.taskId));
  if (existing) {
    if (existing.body === body) return existing;
    const c = await api.updateComment(repo, existing.id, body);
    return { id: c.id, body: c.body ?? body };
  }
  const c = await api.createComment(repo, n, body);
  return { id: c.id, body: c.body ?? body };
}
