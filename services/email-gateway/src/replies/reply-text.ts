import type { TaskRecord } from "@nightshift/contracts";

const STATE_WORDS: Record<string, string> = {
  succeeded: "is done",
  failed: "failed",
  blocked: "is blocked",
  cancelled: "was cancelled",
};

function outcomeLine(r: TaskRecord): string {
  const word = STATE_WORDS[r.state] ?? `is ${r.state}`;
  const why = [r.reason, r.detail].filter((v) => v !== undefined && v !== "").join(": ");
  return `Task ${r.task.id} ${word}${why !== "" && r.state !== "succeeded" ? ` (${why})` : ""}.`;
}

/**
 * The reply sent when a task from a mail ends: the outcome, the agent's summary (or the end
 * of its output when it wrote none), and where the work is: pull request, branch, commit.
 */
export function outcomeText(r: TaskRecord, outputTail: readonly string[]): string {
  const parts = [outcomeLine(r)];
  const summary = r.result?.summary?.trim();
  if (summary !== undefined && summary !== "") {
    parts.push(`Summary:\n${summary}`);
  } else if (outputTail.length > 0) {
    parts.push(`Last output:\n${outputTail.map((l) => `  ${l}`).join("\n")}`);
  }
  const where: string[] = [];
  if (r.result?.pullRequestUrl !== undefined)
    where.push(`Pull request: ${r.result.pullRequestUrl}`);
  if (r.result?.branch !== undefined)
    where.push(`Branch: ${r.result.branch}${r.result.pushed ? " (pushed)" : " (not pushed)"}`);
  if (r.result?.commit !== undefined) where.push(`Commit: ${r.result.commit}`);
  if (where.length > 0) parts.push(where.join("\n"));
  parts.push(`--\nnightshift · task ${r.task.id} · reply to this mail to follow up on it`);
  return `${parts.join("\n\n")}\n`;
}

/** The mail asking for a decision when a supervised task from a mail reaches a checkpoint. */
export function approvalText(r: TaskRecord): string {
  const detail = r.detail !== undefined && r.detail !== "" ? `\n\n${r.detail}` : "";
  return [
    `Task ${r.task.id} is waiting for your approval.${detail}`,
    'Reply to this mail with "approve" or "reject" as its first word; anything after the word is passed on as a message.',
    `--\nnightshift · task ${r.task.id}`,
  ]
    .join("\n\n")
    .concat("\n");
}
