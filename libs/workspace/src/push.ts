import { GitError, git, gitMaybe } from "./git.ts";
import type { Mirrors } from "./mirror.ts";
import type { KnownSecret } from "./secret-patterns.ts";
import { SecretDetectedError, scanForSecrets } from "./secret-scan.ts";
import type { GitFacts } from "./settle.ts";
import type { Workspace } from "./workspace.ts";

export interface PushOptions {
  /**
   * Called right before git pushes (after the scan); throwing stops the push. The executor
   * confirms its repository lease here, so a holder paused past the lease cannot write.
   */
  beforePush?: () => Promise<void>;
}

export interface PushResult {
  pushed: boolean;
  /** The branch's commit on origin after the call. */
  commit: string;
}

/**
 * Pushes a settled attempt's `head` to its branch on origin, fast-forward only, from the
 * task's git directory. Before anything leaves, the commits to push are scanned for the
 * executor's secret values and for common token shapes; a hit throws SecretDetectedError
 * and nothing is pushed. Afterwards the mirror fetches what was pushed, now public.
 */
export async function pushWorkspace(
  ws: Workspace,
  facts: GitFacts,
  secrets: readonly KnownSecret[],
  mirrors: Mirrors,
  opts: PushOptions = {},
): Promise<PushResult> {
  const repo = ws.repo;
  if (!repo) throw new GitError(["push"], "the workspace has no repository", undefined);
  const remote = await gitMaybe(repo.mirror, [
    "rev-parse",
    "--verify",
    "--quiet",
    `refs/heads/${repo.branch}`,
  ]);
  if (remote === facts.head) return { pushed: false, commit: facts.head };
  if (facts.noop && remote === undefined) return { pushed: false, commit: facts.start };
  const findings = await scanForSecrets(repo.gitDir, facts.head, secrets);
  if (findings.length > 0) throw new SecretDetectedError(findings);
  // The URL as the mirror has it, credentials included; they never leave executor-owned config.
  const url = await git(repo.mirror, ["config", "--get", "remote.origin.url"]);
  // Last, right before anything leaves: once git runs, the push completes on its own.
  await opts.beforePush?.();
  await git(
    repo.gitDir,
    ["push", "--quiet", "--no-verify", url, `${facts.head}:refs/heads/${repo.branch}`],
    { timeoutMs: 60 * 60_000 },
  );
  await mirrors.ensure(repo);
  return { pushed: true, commit: facts.head };
}
