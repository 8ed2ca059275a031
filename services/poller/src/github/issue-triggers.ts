import type { GhIssue, GhIssueEvent } from "@nightshift/github";
import { githubTask } from "./build-task.ts";
import type { GitHubSourceContext } from "./context.ts";
import { parseDispatchIssue } from "./dispatch-format.ts";
import { dispatchPrompt, issuePrompt } from "./prompt.ts";
import { submit, type SubmitResult } from "./submit.ts";

function qualifies(ctx: GitHubSourceContext, issue: GhIssue, e: GhIssueEvent): boolean {
  const labels = issue.labels.map((l) => l.name);
  if (e.event === "labeled" && e.label) {
    const wanted = [ctx.cfg.label, ctx.cfg.dispatch].filter(
      (l): l is string => typeof l === "string",
    );
    return wanted.includes(e.label.name) && labels.includes(e.label.name);
  }
  if (e.event === "assigned" && ctx.cfg.assigned && e.assignee) {
    const me = ctx.self.toLowerCase();
    return (
      e.assignee.login.toLowerCase() === me &&
      (issue.assignees ?? []).some((a) => a.login.toLowerCase() === me)
    );
  }
  return false;
}

/**
 * An open issue carrying the trigger label (or the dispatch label), or assigned to the
 * agent, becomes one task per labelling or assignment. The event's actor must be allowed
 * to trigger; the latest allowed event counts, so removing and adding the label again is
 * a new request.
 */
export async function issueTriggers(
  ctx: GitHubSourceContext,
  issue: GhIssue,
): Promise<SubmitResult | "none"> {
  if (issue.state !== "open" || issue.pull_request) return "none";
  const labels = issue.labels.map((l) => l.name);
  const labelled = [ctx.cfg.label, ctx.cfg.dispatch].some(
    (l) => typeof l === "string" && labels.includes(l),
  );
  const assigned =
    ctx.cfg.assigned &&
    (issue.assignees ?? []).some((a) => a.login.toLowerCase() === ctx.self.toLowerCase());
  if (!labelled && !assigned) return "none";
  const events = (await ctx.api.issueEvents(ctx.repo, issue.number))
    .filter((e) => qualifies(ctx, issue, e))
    .sort((a, b) => b.id - a.id);
  let event: GhIssueEvent | undefined;
  for (const e of events) {
    const verdict = await ctx.policy.check(ctx.repo, e.actor);
    if (verdict.ok) {
      event = e;
      break;
    }
    ctx.log.info({ issue: issue.number, why: verdict.why }, "trigger ignored: not allowed");
  }
  if (!event?.actor) return "none";
  const dispatch =
    ctx.cfg.dispatch !== undefined &&
    event.event === "labeled" &&
    event.label?.name === ctx.cfg.dispatch;
  const parsed = dispatch ? parseDispatchIssue(issue.body) : undefined;
  if (dispatch && !parsed) {
    ctx.log.info({ issue: issue.number }, "dispatch issue without instructions: ignored");
    return "none";
  }
  const target = parsed?.target ?? ctx.repo;
  const targetInfo = await ctx.repoInfo(target);
  const snapshot = {
    title: issue.title,
    body: parsed?.instructions ?? issue.body ?? "",
    author: issue.user?.login ?? event.actor.login,
  };
  const key = `gh:${ctx.repo}#${issue.number}:${event.event}-${event.id}`;
  const by = event.actor.login;
  return submit(ctx, {
    key,
    n: issue.number,
    human: true,
    triage: {
      kind: dispatch ? "dispatch" : "issue",
      text: `${issue.title}\n${snapshot.body}`,
      author: by,
    },
    title: `${ctx.repo}#${issue.number}: ${issue.title}`,
    url: issue.html_url,
    build: (id) =>
      githubTask({
        id,
        key,
        kind: dispatch ? "dispatch" : "issue",
        thread: {
          repo: ctx.repo,
          number: issue.number,
          thread: "issue",
          trigger: dispatch ? "dispatch" : "issue",
          target,
          ...(parsed?.metadata ? { dispatch: JSON.stringify(parsed.metadata) } : {}),
        },
        target: targetInfo,
        base: target === ctx.repo ? ctx.cfg.base : undefined,
        url: issue.html_url,
        author: by,
        snapshot,
        prompt: dispatch
          ? dispatchPrompt(target, snapshot)
          : issuePrompt(ctx.repo, issue.number, snapshot),
        backend: ctx.backend,
        model: ctx.model,
      }),
  });
}
