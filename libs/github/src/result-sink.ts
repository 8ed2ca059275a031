import type { GitHubConfig } from "@nightshift/config";
import type { TaskRecord } from "@nightshift/contracts";
import { redactText, type Logger } from "@nightshift/runtime";
import type { GitHubApi } from "./api.ts";
import { connectGitHub } from "./connect.ts";
import { landPull, mergedPull, type PullLanding } from "./land-pull.ts";
import { ensurePullRequest } from "./pull-request.ts";
import { issueReference, threadOf, type GitHubThread } from "./thread.ts";

/** Structurally the executor's `ResultSink`. */
export interface GitHubResultSink {
  name: string;
  accepts(record: TaskRecord): boolean;
  deliver(
    record: TaskRecord,
    log: Logger,
    options?: { land?: boolean },
  ): Promise<{ pullRequestUrl?: string; landing?: PullLanding } | void>;
}

export interface ResultSinkOptions {
  api: GitHubApi;
  config: GitHubConfig;
  /** Secret values blanked from anything written to GitHub. */
  secrets: readonly string[];
}

function title(record: TaskRecord, t: GitHubThread): string {
  const snap = record.task.source.snapshot?.title;
  const first = (snap ?? record.task.prompt.split("\n")[0] ?? "").trim().slice(0, 200);
  if (t.trigger === "dispatch") return `Agent task: ${first}`;
  return first || `nightshift task ${record.id}`;
}

function description(record: TaskRecord, t: GitHubThread, secrets: readonly string[]): string {
  const by = record.task.source.author ? ` by @${record.task.source.author}` : "";
  const summary = redactText(record.result?.summary ?? "", secrets)
    .trim()
    .slice(0, 3000);
  return [
    `nightshift task \`${record.id}\`, requested${by} in ${issueReference(t, t.target)}.`,
    summary ? `\n${summary}` : "",
  ].join("\n");
}

/**
 * Delivers a GitHub task's result when it finished with pushed changes: opens the pull
 * request for its branch, or updates the one already open (a retry, a follow-up, or a
 * task that fixed an existing pull request). Idempotent: found again by branch and marker.
 * With `land` (an approved review loop whose landing policy allows it), the pull request
 * it opened is merged at the approved commit.
 */
export function githubResultSink(o: ResultSinkOptions): GitHubResultSink {
  return {
    name: "github",
    accepts: (r) =>
      r.state === "succeeded" &&
      r.result?.pushed === true &&
      r.result.branch !== undefined &&
      threadOf(r.task.source) !== undefined,
    async deliver(record, _log, options) {
      const t = threadOf(record.task.source);
      const branch = record.result?.branch;
      if (!t || !branch) return;
      const land = options?.land === true;
      if (t.pull !== undefined) {
        const pr = await o.api.pull(t.target, t.pull);
        const url = pr.notModified ? {} : { pullRequestUrl: pr.data.html_url };
        return land
          ? {
              ...url,
              landing: {
                state: "ready-for-review",
                detail: "nightshift merges only pull requests it opened",
              },
            }
          : pr.notModified
            ? undefined
            : url;
      }
      const head = record.result?.commit;
      if (land && head !== undefined) {
        const done = await mergedPull(o.api, t.target, branch, head);
        if (done)
          return {
            pullRequestUrl: done.html_url,
            landing: { state: "landed", detail: `pull request #${done.number} merged` },
          };
      }
      const base = record.task.repo?.base ?? (await o.api.repo(t.target)).default_branch;
      const extra = t.dispatch ? [`<!-- agent_task_metadata\n${t.dispatch}\n-->`] : [];
      const pr = await ensurePullRequest(o.api, {
        repo: t.target,
        head: branch,
        base,
        title: title(record, t),
        description: description(record, t, o.secrets),
        fixes: [`Fixes ${issueReference(t, t.target)}`],
        taskId: record.id,
        issue: `${t.repo}#${t.number}`,
        draft: o.config.pullRequests.draft,
        labels: o.config.pullRequests.labels,
        extra,
      });
      if (!land) return { pullRequestUrl: pr.html_url };
      return {
        pullRequestUrl: pr.html_url,
        landing:
          head === undefined
            ? { state: "ready-for-review", detail: "the result names no commit to merge" }
            : await landPull(o.api, t.target, pr, head, record.id),
      };
    },
  };
}

/** The GitHub result sink when the environment holds GitHub credentials, else none. */
export function githubResultSinks(
  config: GitHubConfig,
  secrets: Parameters<typeof connectGitHub>[1] & Record<string, string | undefined>,
): GitHubResultSink[] {
  const api = connectGitHub(config, secrets);
  const values = Object.values(secrets).filter(
    (v): v is string => typeof v === "string" && v.length >= 4,
  );
  return api ? [githubResultSink({ api, config, secrets: values })] : [];
}
