import { FixList, type AgentResultFile, type FixItem, type LoopRound } from "@nightshift/contracts";
import { coerceError } from "@nightshift/errors";
import type { Outcome } from "@nightshift/messaging";
import { buildPrompt } from "@nightshift/prompts";
import { git, instructionList, type GitFacts } from "@nightshift/workspace";
import { runAgentPhase } from "./agent-phase.ts";
import { decideOutcome } from "./decide-outcome.ts";
import { commitMessage, settleWork } from "./deliver.ts";
import { formatBytes } from "./disk-quota.ts";
import { finish, retryLater } from "./finalize.ts";
import {
  interruption,
  leaseLostBeforeAgent,
  pushLeaseLost,
  pushRound,
  stopOf,
  type LoopRun,
} from "./loop-context.ts";
import { endLoop } from "./loop-end.ts";
import { workspaceForRound } from "./loop-workspace.ts";

export type WorkerStep =
  | { kind: "ended"; outcome: Outcome }
  | {
      kind: "reviewable";
      facts: GitFacts;
      workReport: { value?: AgentResultFile; problem?: string };
    };

/** Earlier rounds in a few lines, for the worker's `{{rounds}}`. */
export function roundsSummary(rounds: readonly LoopRound[]): string {
  const done = rounds.filter((r) => r.phase === "done");
  if (done.length === 0) return "";
  const lines = done.map(
    (r) =>
      `- Round ${r.n}${r.head ? ` (head ${r.head.slice(0, 10)})` : ""}: ${(r.outcome ?? "").replace(/_/g, " ")}${r.summary ? ` — ${r.summary.split("\n")[0]?.slice(0, 300) ?? ""}` : ""}`,
  );
  return `## Earlier rounds of this task\nA reviewer checks every round; your earlier work is already on the branch.\n${lines.join("\n")}\n`;
}

/** The fix list round `prev.n` produced, in full from its artifact (the record keeps a cut). */
export async function fixListOf(run: LoopRun, prev: LoopRound | undefined): Promise<FixItem[]> {
  if (!prev?.fixList?.length) return [];
  const archived = await run.archive.get(prev.n, "fix-list", FixList);
  return archived?.items ?? prev.fixList;
}

async function treeOf(gitDir: string, commit: string): Promise<string> {
  return git(gitDir, ["rev-parse", `${commit}^{tree}`]);
}

/**
 * The worker's half of round `round.n`: it works on the fix list of the round before (if
 * any), its work is committed and pushed to the task's branch (so a crash loses nothing),
 * and its report archived. A round that changed nothing ends the loop as NOOP.
 */
export async function workerPhase(
  run: LoopRun,
  round: LoopRound,
  prev: LoopRound | undefined,
): Promise<WorkerStep> {
  const { m, archive, worker, book } = run;
  const { scope: s, ws, stops } = m;
  const { ctx, task } = s;
  const unready = await workspaceForRound(run, prev).then(
    () => undefined,
    (err: unknown) => coerceError(err).message,
  );
  if (unready !== undefined)
    return { kind: "ended", outcome: await retryLater(s, "workspace", unready) };
  const fixList = await fixListOf(run, prev);
  const instructions = ws.repo
    ? instructionList(await ctx.workspaces.instructions(ws), ["worker"])
    : [];
  const built = buildPrompt(
    {
      task,
      branch: ws.branch,
      instructions,
      resultContract: true,
      rounds: roundsSummary(archive.rounds().filter((r) => r.n < round.n)),
      ...(prev && fixList.length > 0 ? { fixList: { round: prev.n, items: fixList } } : {}),
    },
    ctx.config.prompts,
  );
  const bc = worker.config;
  const rawPrompt =
    bc.type === "command" && (bc.promptText ?? (bc.preset ? "built" : "task")) === "task";
  archive.event(
    round.n,
    "work",
    `${worker.name} works${fixList.length ? ` on ${fixList.length} fix(es)` : ""}`,
  );
  const lost = await leaseLostBeforeAgent(run);
  if (lost) return { kind: "ended", outcome: lost };
  const phase = await runAgentPhase({
    ctx,
    task,
    record: s.record,
    events: s.events,
    stops,
    ws,
    backend: worker.backend,
    backendName: worker.name,
    backendConfig: bc,
    model: worker.model,
    prompt: rawPrompt ? task.prompt : built.prompt,
    system: built.system,
    publishedAt: m.publishedAt,
    log: s.log,
    spentUsd: book.spent(),
  });
  const r = phase.result;
  await book.add(r.usage);
  const early = await interruption(run, phase, worker, true);
  if (early) return { kind: "ended", outcome: early };

  const stopped = stopOf(run, phase);
  let facts: GitFacts | undefined;
  if (stopped !== "disk-quota") {
    const settled = await settleWork(
      ctx.workspaces,
      ws,
      commitMessage(task.prompt, task.id, s.record.attempt),
    );
    if (settled.kind === "failed")
      return { kind: "ended", outcome: await retryLater(s, "workspace", settled.detail) };
    facts = settled.facts;
    for (const warning of facts.warnings)
      s.events.emit({ type: "log", level: "warn", message: warning });
  }
  const gitDir = ws.repo?.gitDir;
  const noop =
    facts !== undefined &&
    (prev?.head !== undefined && gitDir !== undefined
      ? (await treeOf(gitDir, facts.head)) === (await treeOf(gitDir, prev.head))
      : facts.noop);
  const cancel = stopped === "cancelled" ? await ctx.control.check(task.id) : undefined;
  const decision = decideOutcome({
    exitCode: r.exitCode,
    signal: r.signal,
    stopped,
    backendError: r.exitCode === 0 ? undefined : r.error,
    resultFile: phase.resultFile,
    resultRequired: bc.resultFile === "required",
    git: facts ? { noop } : undefined,
    timeoutDetail: `exceeded the ${Math.round(m.timeoutMs / 1000)} s time limit in round ${round.n}`,
    maxTurnsDetail: `the worker stopped after ${r.usage.turns} turns in round ${round.n}`,
    quotaDetail: `the workspace used ${formatBytes(m.quota.used() ?? 0)}, over its ${formatBytes(ctx.config.workspace.quota)} quota; nothing was pushed`,
    ...(cancel ? { cancelDetail: cancel.message ?? `cancelled by ${cancel.by}` } : {}),
  });
  const summary = phase.resultFile.kind === "valid" ? phase.resultFile.value.summary : undefined;
  if (
    noop &&
    (decision.state === "succeeded" ||
      decision.reason === "tests-failed" ||
      decision.reason === "noop")
  )
    return {
      kind: "ended",
      outcome: await endLoop(
        run,
        round,
        {
          state: "failed",
          reason: "noop",
          detail: `the worker made no change in round ${round.n}`,
          summary,
        },
        facts,
      ),
    };
  // Failing tests the worker reports are the reviewer's to judge; anything else ends the loop.
  if (decision.state !== "succeeded" && decision.reason !== "tests-failed")
    return {
      kind: "ended",
      outcome: await endLoop(
        run,
        round,
        {
          state: decision.state,
          reason: decision.reason ?? decision.outcome,
          detail: decision.detail ?? decision.outcome,
          summary,
        },
        facts,
      ),
    };
  if (!facts) throw new Error("a round without a workspace cannot be reviewed");

  const pushed = await pushRound(run, facts);
  if (pushed.kind === "lease-lost") return { kind: "ended", outcome: pushLeaseLost(run) };
  if (pushed.kind === "failed")
    return { kind: "ended", outcome: await retryLater(s, "push-failed", pushed.detail) };
  if (pushed.kind === "refused") {
    round.phase = "done";
    round.outcome = pushed.reason;
    await archive.save(round);
    return {
      kind: "ended",
      outcome: await finish(s, {
        state: "failed",
        reason: pushed.reason,
        detail: pushed.detail,
        result: { outcome: pushed.reason, pushed: false },
      }),
    };
  }
  const workReport =
    phase.resultFile.kind === "valid"
      ? { value: phase.resultFile.value }
      : {
          problem:
            phase.resultFile.kind === "invalid"
              ? phase.resultFile.error
              : "the worker wrote no .nightshift/result.json",
        };
  await archive.put(
    round,
    "work-report",
    {
      round: round.n,
      backend: worker.name,
      base: facts.base,
      head: facts.head,
      commits: facts.commits,
      changedFiles: facts.changedFiles,
      dirtyFiles: facts.dirtyFiles,
      ...workReport,
    },
    summary ?? workReport.problem,
  );
  round.phase = "review";
  round.head = facts.head;
  round.base = facts.base;
  await archive.save(round);
  return { kind: "reviewable", facts, workReport };
}
