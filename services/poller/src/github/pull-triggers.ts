import type { GhCheckRun, GhCombinedStatus, GhPull, GhReview } from "@nightshift/github";
import { githubTask } from "./build-task.ts";
import type { GitHubSourceContext } from "./context.ts";
import { checksPrompt, conflictPrompt, reviewPrompt } from "./prompt.ts";
import { submit, type SubmitResult } from "./submit.ts";

/** Check-run conclusions that mean "failed": every one, not only `failure`. */
export const FAILING_CONCLUSIONS = [
  "failure",
  "timed_out",
  "cancelled",
  "action_required",
  "startup_failure",
];
const FAILING_STATUSES = ["failure", "error"];

export interface Failing {
  name: string;
  conclusion: string;
  detail?: string | undefined;
}

/** Failing checks and statuses of a commit; undefined while some are still running. */
export function failingChecks(
  runs: GhCheckRun[],
  status: GhCombinedStatus | undefined,
): Failing[] | undefined {
  const statuses = status?.statuses ?? [];
  if (runs.some((r) => r.status !== "completed") || statuses.some((s) => s.state === "pending"))
    return undefined;
  return [
    ...runs
      .filter((r) => r.conclusion !== null && FAILING_CONCLUSIONS.includes(r.conclusion))
      .map((r) => ({
        name: r.name,
        conclusion: r.conclusion ?? "",
        detail: r.output?.title ?? undefined,
      })),
    ...statuses
      .filter((s) => FAILING_STATUSES.includes(s.state))
      .map((s) => ({ name: s.context, conclusion: s.state, detail: s.description ?? undefined })),
  ];
}

/** Whether nightshift watches this pull request: its own, or labelled by someone allowed. */
export async function watched(ctx: GitHubSourceContext, pr: GhPull): Promise<boolean> {
  if (pr.state !== "open" || pr.head.repo?.full_name !== ctx.repo) return false;
  if (pr.user?.login.toLowerCase() === ctx.self.toLowerCase()) return true;
  const label = ctx.cfg.pulls.label;
  if (label === undefined || !pr.labels.some((l) => l.name === label)) return false;
  const events = await ctx.api.issueEvents(ctx.repo, pr.number);
  const labelled = events.filter((e) => e.event === "labeled" && e.label?.name === label).at(-1);
  return labelled !== undefined && (await ctx.policy.check(ctx.repo, labelled.actor)).ok;
}

function base(ctx: GitHubSourceContext, pr: GhPull, trigger: string) {
  return {
    thread: {
      repo: ctx.repo,
      number: pr.number,
      thread: "pull" as const,
      trigger,
      target: ctx.repo,
      pull: pr.number,
    },
    branch: pr.head.ref,
    base: pr.base.ref,
    backend: ctx.backend,
    model: ctx.model,
  };
}

async function reviewTrigger(
  ctx: GitHubSourceContext,
  pr: GhPull,
  rv: GhReview,
): Promise<SubmitResult | "none"> {
  if (!rv.user || rv.commit_id !== pr.head.sha) return "none";
  if (rv.state !== "CHANGES_REQUESTED" && rv.state !== "COMMENTED") return "none";
  const verdict = await ctx.policy.check(ctx.repo, rv.user);
  if (!verdict.ok) {
    if (rv.user.login.toLowerCase() !== ctx.self.toLowerCase())
      ctx.log.info({ review: rv.id, why: verdict.why }, "review ignored: not allowed");
    return "none";
  }
  const comments = await ctx.api.reviewComments(ctx.repo, pr.number, rv.id);
  const text = [
    rv.body?.trim() ?? "",
    ...comments.map((c) => `${c.path}${c.line ? `:${c.line}` : ""}: ${c.body}`),
  ]
    .filter(Boolean)
    .join("\n\n");
  if (text === "") return "none";
  const key = `gh:${ctx.repo}#${pr.number}:review-${rv.id}`;
  const snapshot = { title: pr.title, body: text, author: rv.user.login };
  const target = await ctx.repoInfo(ctx.repo);
  return submit(ctx, {
    key,
    n: pr.number,
    human: true,
    triage: { kind: "review", text, author: rv.user.login },
    title: `review on ${ctx.repo}#${pr.number}: ${pr.title}`,
    url: rv.html_url,
    build: (id) =>
      githubTask({
        ...base(ctx, pr, "review"),
        id,
        key,
        kind: "pr-review",
        target,
        url: rv.html_url,
        author: rv.user!.login,
        snapshot,
        prompt: reviewPrompt(ctx.repo, pr.number, snapshot),
      }),
  });
}

/**
 * The triggers of a watched pull request: reviews asking for changes on its current head,
 * checks that failed on its head (once all finished), and a merge conflict with its base.
 * `prefetched` carries what a conditional poll already fetched.
 */
export async function pullTriggers(
  ctx: GitHubSourceContext,
  pr: GhPull,
  prefetched: { runs?: GhCheckRun[]; status?: GhCombinedStatus } = {},
): Promise<void> {
  if (!(await watched(ctx, pr))) return;
  const target = await ctx.repoInfo(ctx.repo);
  const p = ctx.cfg.pulls;
  if (p.reviews)
    for (const rv of await ctx.api.reviews(ctx.repo, pr.number)) await reviewTrigger(ctx, pr, rv);
  if (p.checks) {
    const sha = pr.head.sha;
    let runs = prefetched.runs;
    if (!runs) {
      const r = await ctx.api.checkRuns(ctx.repo, sha);
      runs = r.notModified ? [] : r.data;
    }
    let status = prefetched.status;
    if (!status) {
      const r = await ctx.api.combinedStatus(ctx.repo, sha);
      status = r.notModified ? undefined : r.data;
    }
    const failing = failingChecks(runs, status);
    if (failing && failing.length > 0) {
      const key = `gh:${ctx.repo}#${pr.number}:checks-${sha}`;
      const url = `${pr.html_url}/checks`;
      await submit(ctx, {
        key,
        n: pr.number,
        human: false,
        group: "checks",
        triage: { kind: "checks", failing },
        title: `failing checks on ${ctx.repo}#${pr.number}: ${failing.map((f) => f.name).join(", ")}`,
        url,
        build: (id) =>
          githubTask({
            ...base(ctx, pr, "checks"),
            id,
            key,
            kind: "pr-checks",
            target,
            url,
            author: "checks",
            snapshot: {
              title: pr.title,
              body: failing.map((f) => `${f.name}: ${f.conclusion}`).join("\n"),
            },
            prompt: checksPrompt(ctx.repo, pr.number, pr.head.ref, failing),
          }),
      });
    }
  }
  if (p.conflicts && pr.mergeable === false) {
    const key = `gh:${ctx.repo}#${pr.number}:conflict-${pr.head.sha}-${pr.base.sha}`;
    await submit(ctx, {
      key,
      n: pr.number,
      human: false,
      group: "conflict",
      triage: { kind: "conflict" },
      title: `merge conflict on ${ctx.repo}#${pr.number}: ${pr.title}`,
      url: pr.html_url,
      build: (id) =>
        githubTask({
          ...base(ctx, pr, "conflict"),
          id,
          key,
          kind: "pr-conflict",
          target,
          url: pr.html_url,
          author: "merge-conflict",
          snapshot: { title: pr.title, body: `conflicts with ${pr.base.ref}` },
          prompt: conflictPrompt(ctx.repo, pr.number, pr.head.ref, pr.base.ref),
        }),
    });
  }
}
