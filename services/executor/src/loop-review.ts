import {
  ReviewRequest,
  WorkReport,
  type CheckOutcome,
  type FixItem,
  type LoopRound,
} from "@nightshift/contracts";
import { abandon, type Outcome } from "@nightshift/messaging";
import { buildPrompt } from "@nightshift/prompts";
import { git, instructionList, type GitFacts } from "@nightshift/workspace";
import { runAgentPhase } from "./agent-phase.ts";
import { decideOutcome } from "./decide-outcome.ts";
import { commitMessage, settleWork } from "./deliver.ts";
import { retryLater, setAside } from "./finalize.ts";
import { interruption, leaseLostBeforeAgent, stopOf, type LoopRun } from "./loop-context.ts";
import { endLoop } from "./loop-end.ts";
import { fixListOf, type WorkerStep } from "./loop-worker.ts";
import { repositorySettings, runRepoCheck } from "./repo-check.ts";
import { checkFailure, judgeReport } from "./review-report.ts";
import { buildReviewRequest, renderReviewRequest } from "./review-request.ts";

export type ReviewStep =
  | { kind: "ended"; outcome: Outcome }
  /** The workspace does not hold the round's head: its work has to be done again. */
  | { kind: "redo" }
  | { kind: "reviewed"; facts: GitFacts };

/**
 * The git facts of a round whose work an earlier attempt did: the workspace starts from
 * the task's branch, where that round's head was pushed. Undefined when it holds
 * something else.
 */
export async function factsAt(
  run: LoopRun,
  round: LoopRound,
): Promise<{ facts: GitFacts } | { failed: string } | undefined> {
  const { scope: s, ws } = run.m;
  const settled = await settleWork(
    s.ctx.workspaces,
    ws,
    commitMessage(s.task.prompt, s.task.id, s.record.attempt),
  );
  if (settled.kind === "failed") return { failed: settled.detail };
  const gitDir = ws.repo?.gitDir;
  if (round.head === undefined || gitDir === undefined) return undefined;
  const tree = (c: string) => git(gitDir, ["rev-parse", `${c}^{tree}`]).catch(() => undefined);
  const same = (await tree(settled.facts.head)) === (await tree(round.head));
  return same ? { facts: settled.facts } : undefined;
}

/** The loop stopped from outside between agent runs (during the check). */
async function halted(run: LoopRun, round: LoopRound): Promise<Outcome | undefined> {
  const s = run.m.scope;
  const why = run.m.stops.reason;
  if (why === undefined) return undefined;
  if (why === "lease-lost") return abandon("lease lost");
  if (why === "shutdown")
    return setAside(s, {
      waitReason: "interrupted",
      until: new Date(),
      free: true,
      detail: "the executor shut down; the loop continues where it stopped",
    });
  const cancel = why === "cancelled" ? await s.ctx.control.check(s.task.id) : undefined;
  return endLoop(run, round, {
    state: why === "cancelled" ? "cancelled" : "failed",
    reason: why,
    detail: cancel?.message ?? `stopped (${why}) during round ${round.n}'s check`,
  });
}

async function runCheck(run: LoopRun): Promise<CheckOutcome | undefined> {
  const { ctx, task, events } = run.m.scope;
  const check = repositorySettings(ctx.config, task)?.check;
  if (!check) return undefined;
  const r = await runRepoCheck(ctx, task, run.m.ws, check, run.m.stops.signal);
  events.emit({
    type: "log",
    level: r.passed ? "info" : "warn",
    message: `check \`${check.command}\` ${r.passed ? "passed" : r.timedOut ? "timed out" : `failed (exit ${r.exitCode})`}`,
  });
  return {
    command: check.command,
    passed: r.passed,
    exitCode: r.exitCode,
    timedOut: r.timedOut,
    output: r.output.slice(-20_000),
  };
}

/**
 * The reviewer's half of round `round.n`: the check at the head, the review request
 * (archived; a resumed attempt reuses it), the reviewer in a read-only view of the
 * workspace, and its report, validated. Approval counts only for the head it names and
 * only with a passing check; a change request becomes the next round's fix list.
 */
export async function reviewPhase(
  run: LoopRun,
  round: LoopRound,
  prev: LoopRound | undefined,
  known: Extract<WorkerStep, { kind: "reviewable" }> | undefined,
): Promise<ReviewStep> {
  const { m, archive, reviewer, book } = run;
  const { scope: s, ws, stops } = m;
  const { ctx, task } = s;
  let facts = known?.facts;
  if (!facts) {
    const at = await factsAt(run, round);
    if (at === undefined) return { kind: "redo" };
    if ("failed" in at)
      return { kind: "ended", outcome: await retryLater(s, "workspace", at.failed) };
    facts = at.facts;
  }
  const head = round.head ?? facts.head;
  let request =
    round.artifacts["review-request"] !== undefined
      ? await archive.get(round.n, "review-request", ReviewRequest)
      : undefined;
  if (request === undefined || request.head !== head) {
    const check = await runCheck(run);
    const stopped = await halted(run, round);
    if (stopped) return { kind: "ended", outcome: stopped };
    const workReport =
      known?.workReport ?? (await archive.get(round.n, "work-report", WorkReport)) ?? {};
    request = await buildReviewRequest({
      task,
      round: round.n,
      gitDir: ws.repo!.gitDir,
      facts: { ...facts, head },
      workReport,
      check,
      fixList: await fixListOf(run, prev),
    });
    await archive.put(round, "review-request", request, `review of ${head.slice(0, 10)} requested`);
    if (check) round.check = { passed: check.passed, exitCode: check.exitCode };
    await archive.save(round);
  }

  const instructions = instructionList(await ctx.workspaces.instructions(ws), ["reviewer"]);
  const built = buildPrompt(
    {
      task,
      branch: ws.branch,
      instructions,
      template: "review",
      reviewRequest: renderReviewRequest(request),
      resultContract: false,
    },
    ctx.config.prompts,
  );
  archive.event(round.n, "review", `${reviewer.name} reviews ${head.slice(0, 10)}`);
  const lost = await leaseLostBeforeAgent(run);
  if (lost) return { kind: "ended", outcome: lost };
  const phase = await runAgentPhase({
    ctx,
    task,
    record: s.record,
    events: s.events,
    stops,
    ws,
    backend: reviewer.backend,
    backendName: reviewer.name,
    backendConfig: reviewer.config,
    model: reviewer.model,
    prompt: built.prompt,
    system: built.system,
    publishedAt: m.publishedAt,
    log: s.log,
    spentUsd: book.spent(),
    review: {
      files: { "request.json": `${JSON.stringify(request, null, 2)}\n` },
      report: "report.json",
    },
  });
  await book.add(phase.result.usage);
  const early = await interruption(run, phase, reviewer, false);
  if (early) return { kind: "ended", outcome: early };
  const r = phase.result;
  const stopped = stopOf(run, phase);
  const cancel = stopped === "cancelled" ? await ctx.control.check(task.id) : undefined;
  const decision = decideOutcome({
    exitCode: r.exitCode,
    signal: r.signal,
    stopped,
    backendError: r.exitCode === 0 ? undefined : r.error,
    resultFile: { kind: "missing" },
    resultRequired: false,
    timeoutDetail: `exceeded the ${Math.round(m.timeoutMs / 1000)} s time limit in round ${round.n}'s review`,
    maxTurnsDetail: `the reviewer stopped after ${r.usage.turns} turns in round ${round.n}`,
    ...(cancel ? { cancelDetail: cancel.message ?? `cancelled by ${cancel.by}` } : {}),
  });
  if (decision.state !== "succeeded") {
    const failed = decision.reason === "exit-code" || decision.reason === "agent-error";
    return {
      kind: "ended",
      outcome: await endLoop(run, round, {
        state: decision.state,
        reason: failed ? "review-failed" : (decision.reason ?? decision.outcome),
        detail: `${failed ? "the reviewer failed: " : ""}${decision.detail ?? decision.outcome}`,
      }),
    };
  }

  const verdict = judgeReport(phase.report, head);
  if (verdict.kind === "invalid") {
    await archive.put(
      round,
      "review-report",
      {
        invalid: verdict.reason,
        ...(verdict.text !== undefined ? { text: verdict.text.slice(0, 20_000) } : {}),
      },
      `invalid: ${verdict.reason}`,
    );
    return {
      kind: "ended",
      outcome: await endLoop(run, round, {
        state: "failed",
        reason: "invalid_review_report",
        detail: `round ${round.n}: ${verdict.reason}`,
      }),
    };
  }
  const report = verdict.report;
  await archive.put(round, "review-report", report, `${report.decision}: ${report.summary}`);
  const check = request.check;
  const fix: FixItem[] = [...report.blocking];
  if (check && !check.passed) fix.push(checkFailure(check.command, head, check.output));
  round.decision = report.decision;
  round.summary = report.summary;
  round.outcome =
    report.decision === "changes_required"
      ? "changes_required"
      : check && !check.passed
        ? "check_failed"
        : "approved";
  if (round.outcome !== "approved") {
    round.fixList = fix;
    await archive.put(
      round,
      "fix-list",
      { round: round.n, items: fix },
      `${fix.length} item(s) to fix in round ${round.n + 1}`,
    );
  }
  round.phase = "done";
  round.finishedAt = new Date().toISOString();
  await archive.save(round);
  return { kind: "reviewed", facts };
}
