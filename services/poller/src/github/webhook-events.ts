import { z } from "zod";
import { commentTrigger } from "./comment-triggers.ts";
import { issueTriggers } from "./issue-triggers.ts";
import { pullTriggers } from "./pull-triggers.ts";
import type { GitHubRepoWatcher } from "./repo-watcher.ts";

const Numbered = z.object({ number: z.number().int() });
const Payload = z.object({
  action: z.string().optional(),
  repository: z.object({ full_name: z.string() }),
  issue: Numbered.optional(),
  pull_request: Numbered.optional(),
  comment: z.object({ id: z.number() }).optional(),
  check_run: z
    .object({ head_sha: z.string(), pull_requests: z.array(Numbered).default([]) })
    .optional(),
  check_suite: z
    .object({ head_sha: z.string(), pull_requests: z.array(Numbered).default([]) })
    .optional(),
  sha: z.string().optional(),
});
export type WebhookPayload = z.infer<typeof Payload>;

/** The repository a delivery is about, or undefined when the payload has none. */
export function parseWebhookPayload(body: unknown): WebhookPayload | undefined {
  const r = Payload.safeParse(body);
  return r.success ? r.data : undefined;
}

/**
 * Handles a verified delivery by fetching the item it names and running the same trigger
 * code polling runs, so a webhook and a poll that see the same event make the same task
 * (same id) and one of them is a duplicate.
 */
export async function handleWebhook(
  w: GitHubRepoWatcher,
  event: string,
  p: WebhookPayload,
): Promise<void> {
  const { api, repo, cfg } = w.ctx;
  const pulls = async (numbers: number[]): Promise<void> => {
    for (const n of new Set(numbers)) {
      const pr = await api.pull(repo, n);
      if (!pr.notModified) await pullTriggers(w.ctx, pr.data);
    }
  };
  const bySha = async (sha: string): Promise<number[]> =>
    [...(await w.watchedPulls())].filter(([, s]) => s === sha).map(([n]) => n);
  switch (event) {
    case "issues": {
      if (!p.issue) return;
      const issue = await api.issue(repo, p.issue.number);
      if (issue.pull_request) await pulls([issue.number]);
      else await issueTriggers(w.ctx, issue);
      return;
    }
    case "issue_comment": {
      if (!p.issue || !p.comment || p.action !== "created" || !cfg.mentions) return;
      const comments = await api.issueComments(repo, p.issue.number);
      const c = comments.find((x) => x.id === p.comment?.id);
      if (c) await commentTrigger(w.ctx, c);
      return;
    }
    case "pull_request":
    case "pull_request_review":
    case "pull_request_review_comment":
      if (p.pull_request) await pulls([p.pull_request.number]);
      return;
    case "check_run":
    case "check_suite": {
      const run = p.check_run ?? p.check_suite;
      if (!run) return;
      const listed = run.pull_requests.map((x) => x.number);
      await pulls(listed.length > 0 ? listed : await bySha(run.head_sha));
      return;
    }
    case "status":
      if (p.sha) await pulls(await bySha(p.sha));
      return;
    default:
      return;
  }
}
