import type { CheckInput, DlqEntry, Execution, SubmittedTask } from "./check-input.ts";
import { leaseViolations, type LeaseViolation } from "./lease-check.ts";

/**
 * What became of a task, as its user sees it:
 * - `completed-once`: its result was delivered exactly once (one effect on its branch, one
 *   completion), or, for a task that must be refused, it was dead-lettered once unrun;
 * - `duplicated`: a delivered effect or its completion happened more than once;
 * - `lost`: acknowledged at submission, but nothing delivered and nothing left to deliver it;
 * - `pending`: not finished, with its message still queued (a stall, once the run has settled);
 * - `wrong-outcome`: finished, but not as it should have (a crash reported as a failure).
 */
export type TaskClass = "completed-once" | "duplicated" | "lost" | "pending" | "wrong-outcome";

export const TASK_CLASSES: readonly TaskClass[] = [
  "completed-once",
  "duplicated",
  "lost",
  "pending",
  "wrong-outcome",
];

export interface TaskVerdict {
  id: string;
  via: string;
  class: TaskClass;
  /** Why it is not `completed-once`. */
  why?: string;
  /** Times its agent ran (re-runs after crashes are allowed: at-least-once execution). */
  executions: number;
}

export interface CheckResult {
  tasks: TaskVerdict[];
  counts: Record<TaskClass, number>;
  /** Tasks whose agent ran more than once (allowed; reported). */
  reExecuted: number;
  leaseViolations: LeaseViolation[];
  dlqWithoutReason: DlqEntry[];
  /** Malformed payloads that are not in the DLQ. */
  malformedMissing: string[];
  /** Task ids that ran or were delivered but were never submitted. */
  unexpected: string[];
  /** Empty when the run passes; otherwise one line per kind of failure. */
  failures: string[];
}

const TERMINAL = new Set(["succeeded", "failed", "blocked", "cancelled"]);

function classify(
  t: SubmittedTask,
  input: CheckInput,
  index: {
    records: Map<string, CheckInput["records"][number]>;
    queued: Set<string>;
    effects: Map<string, number>;
    dead: Map<string, DlqEntry[]>;
    runs: Map<string, Execution[]>;
  },
): Omit<TaskVerdict, "id" | "via" | "executions"> {
  const rec = index.records.get(t.id);
  const queued = index.queued.has(t.id);
  const runs = index.runs.get(t.id)?.length ?? 0;
  if (t.expect === "dead") {
    const letters = index.dead.get(t.id) ?? [];
    if (runs > 0) return { class: "wrong-outcome", why: `ran ${runs} time(s); it must not run` };
    if (letters.length > 1) return { class: "duplicated", why: `${letters.length} dead letters` };
    if (letters.length === 1) {
      return rec === undefined || rec.state === "failed"
        ? { class: "completed-once" }
        : { class: "wrong-outcome", why: `dead-lettered, but its record says ${rec.state}` };
    }
    return queued
      ? { class: "pending", why: "not dead-lettered yet" }
      : { class: "lost", why: "neither dead-lettered nor queued" };
  }
  const effects = index.effects.get(t.id) ?? 0;
  const completions = input.completions[t.id] ?? 0;
  const pulls = input.pulls?.[t.id] ?? 0;
  const comments = input.comments?.[t.id] ?? 0;
  if (effects > 1 || completions > 1 || pulls > 1 || comments > 1) {
    return {
      class: "duplicated",
      why: `${effects} deliveries on its branch, ${completions} completion events, ${pulls} pull requests, ${comments} status comments`,
    };
  }
  if (rec === undefined) {
    return queued
      ? { class: "pending", why: "no record yet" }
      : { class: "lost", why: "no record and no message" };
  }
  if (rec.state === "succeeded") {
    if (effects === 0) return { class: "lost", why: "recorded as succeeded; nothing delivered" };
    if (completions === 0) return { class: "lost", why: "delivered; no completion event" };
    if (t.expectPull === true && pulls === 0)
      return { class: "lost", why: "delivered; no pull request" };
    return { class: "completed-once" };
  }
  if (TERMINAL.has(rec.state)) {
    return {
      class: "wrong-outcome",
      why: `${rec.state}${rec.reason !== undefined ? ` (${rec.reason})` : ""} after ${rec.attempts} attempt(s)`,
    };
  }
  return queued
    ? { class: "pending", why: `${rec.state} after ${rec.attempts} attempt(s)` }
    : { class: "lost", why: `${rec.state} with no message left to run it` };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k) ?? [];
    list.push(item);
    out.set(k, list);
  }
  return out;
}

/**
 * Classifies every submitted task, checks the repository leases from their fencing
 * tokens, the DLQ's reasons and the fate of every malformed message. `failures` is empty
 * only when nothing was lost, duplicated, stalled or wrongly finished, and no lease or
 * DLQ rule was broken.
 */
export function check(input: CheckInput): CheckResult {
  const index = {
    records: new Map(input.records.map((r) => [r.id, r])),
    queued: new Set(input.queued),
    effects: new Map(input.delivered.map((d) => [d.taskId, d.effects])),
    dead: groupBy(input.dlq, (e) => e.taskId),
    runs: groupBy(input.executions, (e) => e.taskId),
  };
  const submitted = new Map(input.submitted.map((t) => [t.id, t]));
  const tasks: TaskVerdict[] = [...submitted.values()].map((t) => ({
    id: t.id,
    via: t.via,
    executions: index.runs.get(t.id)?.length ?? 0,
    ...classify(t, input, index),
  }));
  // An issue is a trigger: it must have become exactly one task.
  for (const tr of input.triggers ?? []) {
    if (tr.tasks.length === 1) continue;
    tasks.push({
      id: `issue#${tr.issue}`,
      via: "poller",
      executions: 0,
      ...(tr.tasks.length === 0
        ? { class: "lost" as const, why: "the issue became no task" }
        : { class: "duplicated" as const, why: `${tr.tasks.length} tasks for one issue` }),
    });
  }
  const counts = Object.fromEntries(TASK_CLASSES.map((c) => [c, 0])) as Record<TaskClass, number>;
  for (const t of tasks) counts[t.class]++;

  const unexpected = [
    ...new Set([
      ...input.executions.map((e) => e.taskId),
      ...input.delivered.filter((d) => d.effects > 0).map((d) => d.taskId),
    ]),
  ].filter((id) => !submitted.has(id));
  const dlqWithoutReason = input.dlq.filter((e) => e.reason === undefined || e.reason === "");
  const malformedMissing = input.malformed.filter(
    (marker) => !input.dlq.some((e) => e.body.includes(marker)),
  );
  const violations = leaseViolations(input, (id) => submitted.get(id)?.repo);

  const failures: string[] = [];
  for (const c of ["duplicated", "lost", "pending", "wrong-outcome"] as const) {
    if (counts[c] > 0) {
      const examples = tasks
        .filter((t) => t.class === c)
        .slice(0, 5)
        .map((t) => `${t.id} (${t.why ?? ""})`);
      failures.push(`${counts[c]} task(s) ${c}: ${examples.join("; ")}`);
    }
  }
  if (violations.length > 0)
    failures.push(
      `${violations.length} lease violation(s): ${violations
        .slice(0, 5)
        .map((v) => `${v.kind} on ${v.repo}: ${v.detail}`)
        .join("; ")}`,
    );
  if (dlqWithoutReason.length > 0)
    failures.push(`${dlqWithoutReason.length} dead letter(s) without a reason`);
  if (malformedMissing.length > 0)
    failures.push(`${malformedMissing.length} malformed message(s) not in the DLQ`);
  if (unexpected.length > 0)
    failures.push(`${unexpected.length} task(s) ran that nobody submitted: ${unexpected[0]}`);

  return {
    tasks,
    counts,
    reExecuted: tasks.filter((t) => t.executions > 1).length,
    leaseViolations: violations,
    dlqWithoutReason,
    malformedMissing,
    unexpected,
    failures,
  };
}
