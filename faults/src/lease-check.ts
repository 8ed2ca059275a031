import type { CheckInput, Execution } from "./check-input.ts";

/**
 * - `overlap`: agents of two different lease holders ran on one repository at once;
 * - `fence-reused`: two runs were given the same fence;
 * - `fence-order`: a later holder had a lower fence than an earlier one (fences must grow);
 * - `stale-write`: a push landed after a newer holder of the repository's lease had started;
 * - `untraceable-write`: a push carries a fence no execution of that task had.
 */
export interface LeaseViolation {
  repo: string;
  kind: "overlap" | "fence-reused" | "fence-order" | "stale-write" | "untraceable-write";
  detail: string;
}

/** An agent killed with its executor dies within this long of the kill. */
const CRASH_SLACK_MS = 1_000;

/** When an execution stopped: its `end`, else the first executor kill after its start. */
function endOf(e: Execution, crashes: readonly number[], maxAgentMs: number): number {
  if (e.end !== undefined) return e.end;
  const killed = crashes.filter((c) => c >= e.start).sort((a, b) => a - b)[0];
  return Math.min(killed !== undefined ? killed + CRASH_SLACK_MS : Infinity, e.start + maxAgentMs);
}

function label(e: Execution): string {
  return `${e.taskId}#${e.attempt} fence ${e.fence}`;
}

/**
 * Checks the repository leases from their fencing tokens: every agent run logs the fence
 * it was given, every push that landed carries the fence of the run that made it. Holders
 * of one repository must follow each other (no overlap, growing fences), and a write must
 * not land once a newer holder has started.
 *
 * Sound under one assumption, which the suite keeps: an agent ends well before its lease
 * could expire (`maxAgentMs` < lease TTL − heartbeat), so an agent of a paused executor
 * finishes while that executor's lease still stands; what a paused executor does after
 * waking up shows in its writes.
 */
export function leaseViolations(
  input: CheckInput,
  repoOf: (taskId: string) => string | undefined,
): LeaseViolation[] {
  const out: LeaseViolation[] = [];
  const byRepo = new Map<string, Execution[]>();
  for (const e of input.executions) {
    const repo = repoOf(e.taskId);
    if (repo === undefined) continue;
    const list = byRepo.get(repo) ?? [];
    list.push(e);
    byRepo.set(repo, list);
  }
  for (const [repo, runs] of byRepo) {
    runs.sort((a, b) => a.start - b.start);
    const fenceOwner = new Map<number, string>();
    for (const [i, a] of runs.entries()) {
      const owner = fenceOwner.get(a.fence);
      if (owner !== undefined && owner !== `${a.taskId}#${a.attempt}`)
        out.push({
          repo,
          kind: "fence-reused",
          detail: `fence ${a.fence} given to both ${owner} and ${a.taskId}#${a.attempt}`,
        });
      fenceOwner.set(a.fence, `${a.taskId}#${a.attempt}`);
      const aEnd = endOf(a, input.crashes, input.maxAgentMs);
      for (const b of runs.slice(i + 1)) {
        if (b.fence === a.fence) continue;
        if (b.start < aEnd)
          out.push({
            repo,
            kind: "overlap",
            detail: `${label(b)} started at ${b.start} while ${label(a)} ran (${a.start}..${aEnd})`,
          });
        if (b.fence < a.fence)
          out.push({
            repo,
            kind: "fence-order",
            detail: `${label(b)} started after ${label(a)}`,
          });
      }
    }
  }
  for (const p of input.pushes) {
    const runs = byRepo.get(p.repo) ?? [];
    for (const fence of p.fences) {
      if (!runs.some((r) => r.taskId === p.taskId && r.fence === fence))
        out.push({
          repo: p.repo,
          kind: "untraceable-write",
          detail: `push of ${p.taskId} at ${p.at} with fence ${fence}`,
        });
      const newer = runs.find((r) => r.fence > fence && r.start < p.at);
      if (newer)
        out.push({
          repo: p.repo,
          kind: "stale-write",
          detail: `push of ${p.taskId} with fence ${fence} landed at ${p.at}, after ${label(newer)} started at ${newer.start}`,
        });
    }
  }
  return out;
}
