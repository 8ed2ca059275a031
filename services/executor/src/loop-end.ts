import type { LoopRound, TaskResult } from "@nightshift/contracts";
import type { Outcome } from "@nightshift/messaging";
import type { GitFacts } from "@nightshift/workspace";
import { finish, retryLater, type Ending } from "./finalize.ts";
import { land } from "./landing.ts";
import { pushLeaseLost, pushRound, type LoopRun } from "./loop-context.ts";

export interface LoopEnding {
  state: Ending["state"];
  /** The task's reason and the round's outcome: `noop`, `max_rounds_exhausted`, `timeout` … */
  reason: string;
  detail: string;
  summary?: string | undefined;
}

function baseResult(run: LoopRun, outcome: string, summary?: string): TaskResult {
  const ws = run.m.ws;
  return {
    outcome,
    pushed: false,
    ...(ws.branch !== undefined ? { branch: ws.branch } : {}),
    ...(summary !== undefined ? { summary: summary.slice(0, 4000) } : {}),
  };
}

/**
 * Ends the loop without an approval. The work so far stays on the task's branch: pushed
 * here with `facts` (what a round stopped by a limit produced; first, so a failed push
 * leaves the round to be run again) or as the earlier rounds pushed it. Then the round
 * keeps its outcome (a round already over keeps its own).
 */
export async function endLoop(
  run: LoopRun,
  round: LoopRound | undefined,
  e: LoopEnding,
  facts?: GitFacts,
): Promise<Outcome> {
  const s = run.m.scope;
  const result = baseResult(run, e.reason, e.summary);
  if (facts && e.reason !== "disk-quota") {
    const pushed = await pushRound(run, facts);
    if (pushed.kind === "lease-lost") return pushLeaseLost(run);
    if (pushed.kind === "failed") return retryLater(s, "push-failed", pushed.detail);
    if (pushed.kind === "refused")
      return finish(s, {
        state: "failed",
        reason: pushed.reason,
        detail: pushed.detail,
        result: { ...result, outcome: pushed.reason },
      });
    result.pushed = !facts.noop;
    if (pushed.commit !== undefined) result.commit = pushed.commit;
  } else if (facts === undefined) {
    // Earlier rounds pushed their heads as they finished.
    const head = [...run.archive.rounds()].reverse().find((r) => r.head)?.head;
    if (head !== undefined) {
      result.pushed = true;
      result.commit = head;
    }
  }
  if (round) {
    if (round.phase !== "done") {
      round.phase = "done";
      round.outcome = e.reason;
      round.finishedAt = new Date().toISOString();
    }
    await run.archive.save(round);
    run.archive.event(round.n, "ended", `${e.reason}: ${e.detail}`);
  }
  return finish(s, { state: e.state, reason: e.reason, detail: e.detail, result });
}

/**
 * The reviewer approved the current head and the check (if any) passed there: the head is
 * on the task's branch (pushed after its round, again here after the secret scan), then
 * landed if the repository's policy allows, and the task finishes through the result
 * sinks (a pull request) like any other.
 */
export async function approve(run: LoopRun, round: LoopRound, facts: GitFacts): Promise<Outcome> {
  const s = run.m.scope;
  const head = round.head ?? facts.head;
  const pushed = await pushRound(run, facts);
  if (pushed.kind === "lease-lost") return pushLeaseLost(run);
  if (pushed.kind === "failed") return retryLater(s, "push-failed", pushed.detail);
  if (pushed.kind === "refused")
    return finish(s, {
      state: "failed",
      reason: pushed.reason,
      detail: pushed.detail,
      result: { ...baseResult(run, pushed.reason), commit: head },
    });
  const result: TaskResult = {
    ...baseResult(run, "approved", round.summary),
    pushed: true,
    commit: head,
  };
  const landing = await land(run, round, facts);
  if (landing.kind === "lease-lost") return pushLeaseLost(run);
  if (landing.kind === "retry") return retryLater(s, "landing", landing.detail);
  if (landing.kind === "done") result.landing = landing.landing;
  run.archive.event(
    round.n,
    "approved",
    `approved at ${head.slice(0, 10)} after ${round.n} round(s)${result.landing ? `; ${result.landing.state}` : ""}`,
  );
  return finish(s, {
    state: "succeeded",
    detail: `approved by the reviewer in round ${round.n}`,
    result,
    ...(landing.kind === "by-sink" ? { land: true } : {}),
  });
}
