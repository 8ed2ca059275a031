import {
  FixList,
  InvalidReviewReport,
  ReviewReport,
  ReviewRequest,
  type FixItem,
  type PlayedBy,
  type TaskCard,
  type TaskRecord,
  WorkReport,
} from "@nightshift/contracts";
import type { RoundView, TaskRounds } from "@nightshift/client";

const indent = (text: string, pad: string) => text.split("\n").join(`\n${pad}`);
const short = (sha: string | undefined) => sha?.slice(0, 10) ?? "?";

export function fixLine(i: FixItem): string {
  const where = i.file ? ` ${i.file}${i.line !== undefined ? `:${i.line}` : ""}:` : "";
  return `[${i.severity}]${where} ${indent(i.reason, "      ")}`;
}

function played(p: PlayedBy | undefined): string {
  return p ? `${p.backend}${p.model ? ` (${p.model})` : ""}` : "?";
}

/** The card's lines for `status` (after `card`). */
export function cardLines(c: TaskCard): string[] {
  const out = [`card      goal: ${c.goal}`];
  const list = (name: string, items: readonly string[]) => {
    if (items.length > 0) out.push(`          ${name}:`, ...items.map((i) => `            - ${i}`));
  };
  list("in scope", c.inScope);
  list("out of scope", c.outOfScope);
  list("acceptance", c.acceptance);
  list("constraints", c.constraints);
  list("test steps", c.testSteps);
  return out;
}

/** The loop's line for `status`: where it is and who plays. */
export function loopLine(r: TaskRecord): string | undefined {
  const loop = r.task.loop;
  if (!loop) return undefined;
  const last = r.rounds?.at(-1);
  const where = last ? `round ${last.n} (${last.outcome ?? last.phase})` : "not started";
  const roles = last
    ? `; worker ${played(last.worker)}, reviewer ${played(last.reviewer)}`
    : loop.worker || loop.reviewer
      ? `; worker ${loop.worker?.backend ?? "(task's)"}, reviewer ${loop.reviewer?.backend ?? "(worker's)"}`
      : "";
  return `loop      review loop, ${where} of at most ${loop.maxRounds}${roles}  (status ${r.id} --rounds)`;
}

function roundText(v: RoundView, next: number | undefined): string[] {
  const r = v.round;
  const lines = [
    `round ${r.n}  ${r.outcome ?? `in progress (${r.phase})`}${r.head ? `  head ${short(r.head)}` : ""}`,
    `  worker ${played(r.worker)}, reviewer ${played(r.reviewer)}; started ${r.startedAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ""}`,
  ];
  const work = WorkReport.safeParse(v.artifacts["work-report"]);
  if (work.success) {
    const w = work.data.value;
    lines.push(
      w
        ? `  work report     ${w.status}: ${indent(w.summary, "                  ")}`
        : `  work report     none: ${work.data.problem ?? "?"}`,
    );
    for (const t of w?.testsRun ?? [])
      lines.push(`                  test \`${t.command}\` ${t.passed ? "passed" : "FAILED"}`);
  }
  const req = ReviewRequest.safeParse(v.artifacts["review-request"]);
  if (req.success) {
    const q = req.data;
    lines.push(
      `  review request  ${short(q.base)}..${short(q.head)}: ${q.commits.length} commit(s), ${q.changedFiles.length} file(s) changed (${q.changedFiles.slice(0, 5).join(", ")}${q.changedFiles.length > 5 ? ", …" : ""})`,
    );
    if (q.check)
      lines.push(
        `                  check \`${q.check.command}\` ${q.check.passed ? "passed" : q.check.timedOut ? "timed out" : `FAILED (exit ${q.check.exitCode ?? "?"})`}`,
      );
  }
  const rep = ReviewReport.safeParse(v.artifacts["review-report"]);
  const bad = InvalidReviewReport.safeParse(v.artifacts["review-report"]);
  if (rep.success) {
    const p = rep.data;
    lines.push(`  review report   ${p.decision}: ${indent(p.summary, "                  ")}`);
    for (const b of p.blocking) lines.push(`    blocking  ${fixLine(b)}`);
    for (const s of p.suggestions) lines.push(`    suggests  ${indent(s, "              ")}`);
  } else if (bad.success) lines.push(`  review report   INVALID: ${bad.data.invalid}`);
  const fix = FixList.safeParse(v.artifacts["fix-list"]);
  const items = fix.success ? fix.data.items : (r.fixList ?? []);
  if (items.length > 0) {
    lines.push(
      next !== undefined
        ? `  fix list → round ${next} (${items.length} item(s)):`
        : `  fix list, left open (${items.length} item(s)):`,
    );
    for (const i of items) lines.push(`    - ${fixLine(i)}`);
  }
  return lines;
}

/** `nightshift status <id> --rounds`: the conversation between the two roles, round by round. */
export function roundsText(t: TaskRounds): string {
  const lines = [
    `task      ${t.id}  ${t.state}${t.reason ? ` (${t.reason})` : ""}`,
    ...(t.detail ? [`detail    ${indent(t.detail, "          ")}`] : []),
    `rounds    ${t.rounds.length}${t.maxRounds !== undefined ? ` of at most ${t.maxRounds}` : " (not a review loop)"}`,
  ];
  t.rounds.forEach((v, i) => {
    lines.push("", ...roundText(v, t.rounds[i + 1]?.round.n));
  });
  return `${lines.join("\n")}\n`;
}
