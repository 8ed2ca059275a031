import type { LoopRound } from "@nightshift/contracts";
import { coerceError, isNightshiftError, type PermanentError } from "@nightshift/errors";
import type { Outcome } from "@nightshift/messaging";
import type { GitFacts } from "@nightshift/workspace";
import { finish, retryLater } from "./finalize.ts";
import { RoundArchive } from "./loop-archive.ts";
import { playedBy, reviewerRole, UsageBook, type LoopRun, type Role } from "./loop-context.ts";
import { loopRoles } from "./loop-roles.ts";
import { approve, endLoop } from "./loop-end.ts";
import { factsAt, reviewPhase } from "./loop-review.ts";
import { workerPhase, type WorkerStep } from "./loop-worker.ts";
import type { ModeInput } from "./single-mode.ts";

/** Round outcomes after which the loop goes on to another round. */
const CONTINUES = new Set(["changes_required", "check_failed"]);

function describeFixes(round: LoopRound): string {
  const items = round.fixList ?? [];
  const first = items
    .slice(0, 3)
    .map((i) => `[${i.severity}]${i.file ? ` ${i.file}:` : ""} ${i.reason.split("\n")[0]}`)
    .join("; ");
  return `${items.length} open item(s)${first ? `: ${first}${items.length > 3 ? " …" : ""}` : ""}`;
}

/**
 * A review loop (a task with `loop`): round N runs the worker, builds a review request from
 * its work and runs the reviewer on a read-only view, until the reviewer approves the
 * current head (with the repository's check passing there), the rounds run out, the worker
 * changes nothing, or a limit stops it. The task record says which round and phase the loop
 * is in and every round's artifacts are archived, so an attempt after a crash continues
 * exactly there: a finished review is never repeated and no fix list is lost.
 */
export async function runLoop(m: ModeInput): Promise<Outcome> {
  const s = m.scope;
  const { ctx, task } = s;
  const maxRounds = task.loop?.maxRounds ?? 1;
  if (!m.ws.repo)
    return finish(s, {
      state: "failed",
      reason: "loop-needs-repo",
      detail: "a review loop reviews commits: the task needs a repository",
      result: { outcome: "loop-needs-repo", pushed: false },
    });
  const roles = loopRoles(ctx.config, task, s.backendName);
  const worker: Role = {
    name: s.backendName,
    backend: m.backend,
    config: m.backendConfig,
    ...(roles.worker.model !== undefined ? { model: roles.worker.model } : {}),
  };
  let reviewer: Role;
  try {
    reviewer = reviewerRole(ctx, roles.reviewer);
  } catch (err) {
    const e = coerceError(err);
    const reason = isNightshiftError(e, "PERMANENT") ? (e as PermanentError).reason : "backend";
    return finish(s, {
      state: "failed",
      reason,
      detail: e.message,
      result: { outcome: reason, pushed: false },
    });
  }
  const book = new UsageBook(ctx, task, s.record.current().usage);
  s.applyRun = (r) => {
    r.usage = book.total();
  };
  const archive = new RoundArchive(ctx.bus.artifacts, s.record, s.events);
  const run: LoopRun = { m, archive, worker, reviewer, book };
  const resumed = archive.rounds().at(-1);
  if (resumed)
    archive.event(
      resumed.n,
      "resumed",
      resumed.phase === "done"
        ? `round ${resumed.n} ended ${resumed.outcome ?? "?"}; going on from there`
        : `continuing round ${resumed.n} at its ${resumed.phase} phase`,
    );

  let known: Extract<WorkerStep, { kind: "reviewable" }> | undefined;
  let approvedFacts: GitFacts | undefined;
  for (;;) {
    const rounds = archive.rounds();
    let round = rounds.at(-1);
    const prevOf = (r: LoopRound) => rounds.find((x) => x.n === r.n - 1);
    if (!round || round.phase === "done") {
      if (round?.outcome === "approved") {
        let facts = approvedFacts;
        if (!facts) {
          const at = await factsAt(run, round);
          if (at && "failed" in at) return retryLater(s, "workspace", at.failed);
          if (!at) {
            round.phase = "work";
            await archive.save(round);
            continue;
          }
          facts = at.facts;
        }
        return approve(run, round, facts);
      }
      if (round && !CONTINUES.has(round.outcome ?? ""))
        return endLoop(run, round, {
          state: round.outcome === "cancelled" ? "cancelled" : "failed",
          reason: round.outcome ?? "failed",
          detail: `round ${round.n} ended: ${round.outcome ?? "?"}`,
        });
      if (round && round.n >= maxRounds)
        return endLoop(run, round, {
          state: "failed",
          reason: "max_rounds_exhausted",
          detail: `no approval after ${round.n} round(s); the last review left ${describeFixes(round)}`,
          summary: round.summary,
        });
      round = {
        n: (round?.n ?? 0) + 1,
        phase: "work",
        startedAt: new Date().toISOString(),
        worker: playedBy(worker),
        reviewer: playedBy(reviewer),
        artifacts: {},
      };
      await archive.save(round);
    }
    if (round.phase === "work") {
      if (book.overLimit())
        return endLoop(run, round, {
          state: "failed",
          reason: "budget",
          detail: `the task's cost limit was reached before round ${round.n}`,
        });
      const w = await workerPhase(run, round, prevOf(round));
      if (w.kind === "ended") return w.outcome;
      known = w;
    }
    const r = await reviewPhase(run, round, prevOf(round), known);
    known = undefined;
    if (r.kind === "ended") return r.outcome;
    if (r.kind === "redo") {
      round.phase = "work";
      await archive.save(round);
      continue;
    }
    approvedFacts = r.facts;
  }
}
