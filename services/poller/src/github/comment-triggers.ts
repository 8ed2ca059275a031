import { hasMarker, parseMarkers, type GhComment, type GhPull } from "@nightshift/github";
import { githubTask } from "./build-task.ts";
import type { GitHubSourceContext } from "./context.ts";
import { mentionPrompt } from "./prompt.ts";
import { submit, type SubmitResult } from "./submit.ts";

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The instruction in a comment that mentions `name`, or undefined. */
export function mentionInstruction(body: string, name: string): string | undefined {
  const re = new RegExp(`(^|[^\\w-])@${escape(name)}(?![\\w-])`, "gi");
  if (!re.test(body)) return undefined;
  const rest = body.replace(re, "$1").trim();
  return rest.length >= 3 ? rest : undefined;
}

function issueNumber(c: GhComment): number | undefined {
  const m = /\/issues\/(\d+)$/.exec(c.issue_url ?? "");
  return m?.[1] ? Number(m[1]) : undefined;
}

/** The open pull request nightshift made for an issue, found by its marker. */
async function pullForIssue(ctx: GitHubSourceContext, n: number): Promise<GhPull | undefined> {
  const issue = `${ctx.repo}#${n}`;
  const pulls = await ctx.api.openPulls(ctx.repo);
  return pulls.find((p) => hasMarker(p.body, { issue }));
}

/**
 * A comment that mentions the agent with an instruction becomes a task, if its author may
 * trigger. On a pull request the agent works on its branch; on an issue that already has
 * nightshift's pull request, on that pull request's branch (a follow-up updates it).
 */
export async function commentTrigger(
  ctx: GitHubSourceContext,
  c: GhComment,
): Promise<SubmitResult | "none"> {
  const instruction = mentionInstruction(c.body ?? "", ctx.mention);
  const n = issueNumber(c);
  if (instruction === undefined || n === undefined || !c.user) return "none";
  if (hasMarker(c.body, {})) return "none";
  const verdict = await ctx.policy.check(ctx.repo, c.user);
  if (!verdict.ok) {
    ctx.log.info({ comment: c.id, why: verdict.why }, "mention ignored: not allowed");
    return "none";
  }
  const issue = await ctx.api.issue(ctx.repo, n);
  if (issue.state !== "open") return "none";
  const isPull = issue.pull_request !== undefined;
  let branch: string | undefined;
  let followUpOf: string | undefined;
  let pull: number | undefined;
  if (isPull) {
    const pr = await ctx.api.pull(ctx.repo, n);
    if (!pr.notModified && pr.data.head.repo?.full_name === ctx.repo) {
      branch = pr.data.head.ref;
      pull = n;
    }
  } else {
    const pr = await pullForIssue(ctx, n);
    if (pr) {
      branch = pr.head.ref;
      followUpOf = parseMarkers(pr.body).find((m) => m["task"])?.["task"];
    }
  }
  const snapshot = { title: issue.title, body: instruction, author: c.user.login };
  const key = `gh:${ctx.repo}#${n}:comment-${c.id}`;
  const target = await ctx.repoInfo(ctx.repo);
  return submit(ctx, {
    key,
    n,
    human: true,
    triage: { kind: "mention", text: instruction, author: c.user.login },
    title: `${ctx.repo}#${n}: ${issue.title}`,
    url: c.html_url,
    build: (id) =>
      githubTask({
        id,
        key,
        kind: "mention",
        thread: {
          repo: ctx.repo,
          number: n,
          thread: isPull ? "pull" : "issue",
          trigger: "mention",
          target: ctx.repo,
          ...(pull !== undefined ? { pull } : {}),
        },
        target,
        base: ctx.cfg.base,
        branch,
        url: c.html_url,
        author: c.user!.login,
        snapshot,
        prompt: mentionPrompt(ctx.repo, n, isPull, snapshot),
        followUpOf,
        backend: ctx.backend,
        model: ctx.model,
      }),
  });
}
