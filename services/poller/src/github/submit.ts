import { deterministicTaskId, type TaskInputShape } from "@nightshift/contracts";
import { ItemKeys } from "../kv-keys.ts";
import { triage, type TriageItem } from "../triage.ts";
import type { GitHubSourceContext } from "./context.ts";

export interface Submission {
  /** Trigger key: `gh:acme/web#12:comment-99`. */
  key: string;
  /** Issue or pull request number (the item). */
  n: number;
  human: boolean;
  group?: string;
  triage: TriageItem;
  /** For an escalation: what the item is, and a link to it. */
  title: string;
  url: string;
  build: (id: string) => TaskInputShape;
}

export type SubmitResult = "accepted" | "duplicate" | "deferred" | "capped" | "escalated" | "seen";

/** Triage, then a task (GREEN) or an escalation (RED), each exactly once per trigger. */
export async function submit(ctx: GitHubSourceContext, s: Submission): Promise<SubmitResult> {
  const verdict = triage(ctx.triage, s.triage);
  const item = ItemKeys.github(ctx.repo, s.n);
  if (verdict.class === "red") {
    const sent = await ctx.escalateOnce(s.key, item, {
      source: "github",
      rule: verdict.rule,
      title: s.title,
      reason: `the triage rule "${verdict.rule}" says a person should handle this ${s.triage.kind} trigger`,
      url: s.url,
      repo: ctx.repo,
      attributes: { number: String(s.n), trigger: s.key, kind: s.triage.kind },
    });
    if (sent) ctx.log.info({ trigger: s.key, rule: verdict.rule }, "escalated (RED)");
    return sent ? "escalated" : "seen";
  }
  const result = await ctx.accept({
    key: s.key,
    item,
    human: s.human,
    ...(s.group !== undefined ? { group: s.group } : {}),
    task: s.build(deterministicTaskId("gh", s.key)),
    giveUp: { kind: "github", repo: ctx.repo, number: s.n },
  });
  if (result !== "duplicate") ctx.log.info({ trigger: s.key, result }, `trigger ${result}`);
  return result;
}
