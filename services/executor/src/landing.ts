import type { LoopRound, TaskResult } from "@nightshift/contracts";
import { coerceError, isNightshiftError } from "@nightshift/errors";
import { leaseCheck } from "./deliver.ts";
import type { GitFacts } from "@nightshift/workspace";
import type { LoopRun } from "./loop-context.ts";
import { repositorySettings } from "./repo-check.ts";

export type Landing =
  /** Decided here: landed on a plain git remote, or left ready for review, with why. */
  | { kind: "done"; landing: NonNullable<TaskResult["landing"]> }
  /** Allowed, and a result sink does it (GitHub merges the pull request). */
  | { kind: "by-sink" }
  | { kind: "retry"; detail: string }
  /** Not pushed: the repository lease was gone right before the push. */
  | { kind: "lease-lost" };

/** `src/**`, `*.md`, `docs/?.txt` as a regular expression over a whole path. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/** Changed files that no glob of `paths` allows (none when `paths` is empty). */
export function outsidePaths(files: readonly string[], paths: readonly string[]): string[] {
  if (paths.length === 0) return [];
  const globs = paths.map(globToRegExp);
  return files.filter((f) => !globs.some((g) => g.test(f)));
}

const ready = (detail: string): Landing => ({
  kind: "done",
  landing: { state: "ready-for-review", detail },
});

/**
 * Policy-gated landing of an approved loop. Off unless the task's repository entry enables
 * it; then only when the repository's check passed at the approved commit and every changed
 * file is inside `landing.paths`. GitHub tasks land by merging their pull request (the
 * GitHub sink); others by pushing to the base branch. Anything short of that stops at
 * "ready for review".
 */
export async function land(run: LoopRun, round: LoopRound, facts: GitFacts): Promise<Landing> {
  const { ctx, task } = run.m.scope;
  const settings = repositorySettings(ctx.config, task);
  const policy = settings?.landing;
  if (policy?.enabled !== true) return ready("landing is not enabled for this repository");
  if (!settings?.check || round.check?.passed !== true)
    return ready("the repository's check did not pass at the approved commit");
  const outside = outsidePaths(facts.changedFiles, policy.paths);
  if (outside.length > 0)
    return ready(
      `changed files outside landing.paths: ${outside.slice(0, 5).join(", ")}${outside.length > 5 ? " …" : ""}`,
    );
  if (task.source.kind === "github") return { kind: "by-sink" };
  const head = round.head ?? facts.head;
  try {
    const stops = run.m.stops;
    const r = await ctx.workspaces.land(run.m.ws, head, {
      beforePush: leaseCheck(() => stops.stillHolds(ctx.config.nats.leaseTtl)),
    });
    if (!r.landed) return ready(r.reason);
    const base = run.m.ws.repo?.baseRef ?? "the base branch";
    run.m.scope.events.emit({
      type: "log",
      level: "info",
      message: `landed ${head.slice(0, 10)} on ${base} (${r.method})`,
    });
    return {
      kind: "done",
      landing: { state: "landed", commit: r.commit, detail: `${r.method} into ${base}` },
    };
  } catch (err) {
    const e = coerceError(err);
    if (isNightshiftError(e, "LEASE_LOST")) return { kind: "lease-lost" };
    return { kind: "retry", detail: e.message };
  }
}
