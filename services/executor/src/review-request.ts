import {
  REVIEW_REPORT_FILE,
  REVIEW_REQUEST_FILE,
  type AgentResultFile,
  type CheckOutcome,
  type FixItem,
  type ReviewRequest,
  type Task,
} from "@nightshift/contracts";
import { git, type GitFacts } from "@nightshift/workspace";

/** Diff text given to the reviewer at most; the rest it can read in the workspace. */
export const MAX_DIFF_CHARS = 100_000;

export interface RequestInput {
  task: Task;
  round: number;
  /** The task's git directory (executor-owned), where base and head are. */
  gitDir: string;
  facts: Pick<GitFacts, "branch" | "base" | "head" | "commits" | "changedFiles">;
  workReport: { value?: AgentResultFile | undefined; problem?: string | undefined };
  check?: CheckOutcome | undefined;
  fixList: readonly FixItem[];
}

/** What the reviewer judges: the diff base..head, the commits, the criteria and the worker's word. */
export async function buildReviewRequest(i: RequestInput): Promise<ReviewRequest> {
  const full = await git(
    i.gitDir,
    ["diff", "--no-color", "--no-ext-diff", i.facts.base, i.facts.head],
    {
      raw: true,
    },
  );
  const truncated = full.length > MAX_DIFF_CHARS;
  return {
    v: 1,
    taskId: i.task.id,
    round: i.round,
    branch: i.facts.branch,
    base: i.facts.base,
    head: i.facts.head,
    commits: i.facts.commits.map((c) => ({ sha: c.sha, subject: c.subject })),
    changedFiles: [...i.facts.changedFiles],
    diff: truncated ? full.slice(0, MAX_DIFF_CHARS) : full,
    diffTruncated: truncated,
    ...(i.task.card ? { card: i.task.card } : {}),
    ...(i.workReport.value ? { workReport: i.workReport.value } : {}),
    ...(i.workReport.problem !== undefined ? { workReportProblem: i.workReport.problem } : {}),
    ...(i.check ? { check: i.check } : {}),
    fixList: [...i.fixList],
    reportFile: REVIEW_REPORT_FILE,
  };
}

function bullets(items: readonly string[]): string {
  return items.map((x) => `- ${x}`).join("\n");
}

/** The request as the reviewer's prompt shows it (`{{review_request}}`). */
export function renderReviewRequest(r: ReviewRequest): string {
  const parts = [
    `## Review request (round ${r.round})`,
    `Branch ${r.branch}, base ${r.base}, head ${r.head}.`,
    `### Commits (base..head)\n${bullets(r.commits.map((c) => `${c.sha.slice(0, 10)} ${c.subject}`)) || "(none)"}`,
    `### Changed files\n${bullets(r.changedFiles) || "(none)"}`,
  ];
  if (r.card?.acceptance.length)
    parts.push(`### Acceptance criteria\n${bullets(r.card.acceptance)}`);
  if (r.card?.constraints.length) parts.push(`### Constraints\n${bullets(r.card.constraints)}`);
  if (r.fixList.length > 0)
    parts.push(
      `### The fix list the worker was given\n${bullets(r.fixList.map((f) => `[${f.severity}]${f.file ? ` ${f.file}${f.line !== undefined ? `:${f.line}` : ""}:` : ""} ${f.reason}`))}`,
    );
  if (r.workReport) {
    const tests = r.workReport.testsRun.map(
      (t) => `${t.command}: ${t.passed ? "passed" : "FAILED"}`,
    );
    parts.push(
      `### The worker's report (status ${r.workReport.status})\n${r.workReport.summary}${tests.length ? `\nTests it ran:\n${bullets(tests)}` : ""}`,
    );
  } else parts.push(`### The worker's report\nNone: ${r.workReportProblem ?? "missing"}`);
  if (r.check)
    parts.push(
      `### Repository check at the head commit\n\`${r.check.command}\` ${r.check.passed ? "passed" : r.check.timedOut ? "timed out" : `FAILED (exit ${r.check.exitCode ?? "?"})`}\n\`\`\`\n${r.check.output.slice(-3000)}\n\`\`\``,
    );
  parts.push(
    `### Diff${r.diffTruncated ? ` (cut at ${MAX_DIFF_CHARS} characters; read the files for the rest)` : ""}\n\`\`\`diff\n${r.diff}\n\`\`\``,
  );
  parts.push(`## Your report
Write \`${r.reportFile}\` (this request is in \`${REVIEW_REQUEST_FILE}\`) as JSON:
{"decision": "approve" | "changes_required",
 "head": "${r.head}",
 "summary": "what you checked and what you found",
 "blocking": [{"severity": "critical" | "high" | "medium" | "low", "file": "path", "line": 12, "reason": "what is wrong and what to do"}],
 "suggestions": ["non-blocking ideas"]}
"head" must be the head commit above: an approval counts only for the commit you reviewed.
Approve only when the change meets the task and every acceptance criterion; then "blocking"
is empty. "changes_required" needs at least one blocking issue: they become the worker's
fix list for the next round. A missing or malformed report fails the round.`);
  return parts.join("\n\n");
}
