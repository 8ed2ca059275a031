import type { GitHubConfig } from "@nightshift/config";
import type { TaskRecord } from "@nightshift/contracts";
import { redactText, type Logger } from "@nightshift/runtime";
import type { GitHubApi } from "./api.ts";
import { connectGitHub } from "./connect.ts";
import { ensurePullRequest } from "./pull-request.ts";
import { issueReference, threadOf, type GitHubThread } from "./thread.ts";

/** Structurally the executor's `ResultSink`. */
export interface GitHubResultSink {
  name: string;
  accepts(record: TaskRecord): boolean;
  deliver(record: TaskRecord, log: Logger): Promise<{ pullRequestUrl?: string } | void>;
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
 */
export function githubResultSink(o: ResultSinkOptions): GitHubResultSink {
  return {
    name: "github",
    accepts: (r) =>
      r.state === "succeeded" &&
      r.result?.pushed === true &&
      r.result.branch !== undefined &&
      threadOf(r.task.source) !== undefined,
    async deliver(record) {
      const t = threadOf(record.task.source);
      const branch = record.result?.branch;
      if (!t || !branch) return;
      if (t.pull !== undefined) {
        const pr = await o.api.pull(t.target, t.pull);
        return pr.notModified ? undefined : { pullRequestUrl: pr.data.html_url };
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
      return { pullRequestUrl: pr.html_url };
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
