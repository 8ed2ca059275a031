import { z } from "zod";
import { AgentResultFile } from "./agent-result.ts";
import { TaskCard } from "./task-card.ts";

/**
 * The reviewer's folder, relative to the workspace: the only place it may write. The
 * executor puts the review request there and reads the report from there.
 */
export const REVIEW_FOLDER = ".nightshift/review";
export const REVIEW_REQUEST_FILE = `${REVIEW_FOLDER}/request.json`;
export const REVIEW_REPORT_FILE = `${REVIEW_FOLDER}/report.json`;

export const Severity = z.enum(["critical", "high", "medium", "low"]);
export type Severity = z.infer<typeof Severity>;

/** One blocking issue of a review: what round N+1's worker must fix. */
export const FixItem = z.strictObject({
  severity: Severity,
  file: z.string().min(1).max(1000).optional(),
  line: z.number().int().positive().optional(),
  reason: z.string().min(1).max(4000),
});
export type FixItem = z.infer<typeof FixItem>;

export const ReviewDecision = z.enum(["approve", "changes_required"]);
export type ReviewDecision = z.infer<typeof ReviewDecision>;

/**
 * The report a reviewer writes to `REVIEW_REPORT_FILE`. Only this file counts: an
 * approval names the commit it reviewed, and holds only for that commit.
 */
export const ReviewReport = z
  .strictObject({
    decision: ReviewDecision,
    /** The head commit reviewed (as given in the request; at least 7 hex digits). */
    head: z.string().regex(/^[0-9a-f]{7,40}$/, "must be the reviewed commit's sha"),
    summary: z.string().min(1).max(20_000),
    blocking: z.array(FixItem).max(100).default([]),
    suggestions: z.array(z.string().min(1).max(4000)).max(100).default([]),
  })
  .superRefine((r, ctx) => {
    if (r.decision === "approve" && r.blocking.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["blocking"],
        message: "an approval cannot have blocking issues",
      });
    if (r.decision === "changes_required" && r.blocking.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["blocking"],
        message: "changes_required needs at least one blocking issue",
      });
  });
export type ReviewReport = z.infer<typeof ReviewReport>;

export const CommitLine = z.strictObject({ sha: z.string(), subject: z.string() });

/** The repository check's result at a commit. */
export const CheckOutcome = z.strictObject({
  command: z.string(),
  passed: z.boolean(),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean().default(false),
  /** The last lines of its output. */
  output: z.string().max(20_000),
});
export type CheckOutcome = z.infer<typeof CheckOutcome>;

/** What the reviewer is asked to judge: the executor builds it after the worker's round. */
export const ReviewRequest = z.strictObject({
  v: z.literal(1),
  taskId: z.string(),
  round: z.number().int().positive(),
  branch: z.string(),
  base: z.string(),
  head: z.string(),
  commits: z.array(CommitLine),
  changedFiles: z.array(z.string()),
  diff: z.string(),
  /** The diff was cut at its size limit. */
  diffTruncated: z.boolean(),
  card: TaskCard.optional(),
  /** The worker's results file, or why there is none. */
  workReport: AgentResultFile.optional(),
  workReportProblem: z.string().optional(),
  check: CheckOutcome.optional(),
  /** The fix list the worker was given this round. */
  fixList: z.array(FixItem),
  /** Where the report goes, relative to the workspace. */
  reportFile: z.string(),
});
export type ReviewRequest = z.infer<typeof ReviewRequest>;

/** A round's `work-report` artifact: the worker's results file, or why there is none. */
export const WorkReport = z.looseObject({
  round: z.number().int().positive().optional(),
  backend: z.string().optional(),
  head: z.string().optional(),
  value: AgentResultFile.optional(),
  problem: z.string().optional(),
});
export type WorkReport = z.infer<typeof WorkReport>;

/** A round's `review-report` artifact when the reviewer's report was not valid. */
export const InvalidReviewReport = z.looseObject({
  invalid: z.string(),
  /** What the reviewer wrote (cut), when it wrote something. */
  text: z.string().optional(),
});

/** The fix list a review produced: the blocking issues round `round + 1` must fix. */
export const FixList = z.strictObject({
  round: z.number().int().positive(),
  items: z.array(FixItem),
});
export type FixList = z.infer<typeof FixList>;

/** Where a round is: the worker runs, the reviewer runs, or the round is over. */
export const RoundPhase = z.enum(["work", "review", "done"]);
export type RoundPhase = z.infer<typeof RoundPhase>;

export const PlayedBy = z.strictObject({ backend: z.string(), model: z.string().optional() });
export type PlayedBy = z.infer<typeof PlayedBy>;

/** One round of a review loop as the task record keeps it (resume reads this). */
export const LoopRound = z.strictObject({
  n: z.number().int().positive(),
  phase: RoundPhase,
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  /** The commit the worker's round produced (pushed to the task's branch). */
  head: z.string().optional(),
  base: z.string().optional(),
  check: z.strictObject({ passed: z.boolean(), exitCode: z.number().int().nullable() }).optional(),
  decision: ReviewDecision.optional(),
  /**
   * How the round ended: `approved`, `changes_required`, `check_failed`, `noop`,
   * `invalid_review_report`, or the limit that stopped it.
   */
  outcome: z.string().optional(),
  /** The reviewer's summary. */
  summary: z.string().max(4000).optional(),
  /** The blocking issues this round's review produced: the next round's fix list. */
  fixList: z.array(FixItem).optional(),
  /** Who played the two roles this round: backend name and model (when one was named). */
  worker: PlayedBy.optional(),
  reviewer: PlayedBy.optional(),
  /** Archived artifacts: `work-report`, `review-request`, `review-report`, `fix-list` → object name. */
  artifacts: z.record(z.string(), z.string()).default({}),
});
export type LoopRound = z.infer<typeof LoopRound>;

/** Object names of a round's artifacts in the artifacts store. */
export function roundArtifact(taskId: string, round: number, name: string): string {
  return `tasks/${taskId}/rounds/${round}/${name}.json`;
}
