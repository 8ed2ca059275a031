import { GitError, git, gitMaybe } from "./git.ts";
import { fetchAgentHead } from "./agent-repo.ts";
import type { Mirrors } from "./mirror.ts";
import { pushablePathspecs } from "./never-pushed.ts";
import { stripNeverPushed } from "./strip.ts";
import { AGENT_REF, HEAD_REF, scratchIndex, type Workspace } from "./workspace.ts";

export interface CommitFact {
  sha: string;
  subject: string;
}

/**
 * The git state of a finished attempt, as nightshift will push it. The results contract
 * cross-checks an agent's claims against these facts.
 */
export interface GitFacts {
  branch: string;
  /** Where the task's work begins: the merge base of the base branch and `head`. */
  base: string;
  /** Origin's state of the branch (or its base) when the attempt started. */
  start: string;
  /** What the agent's HEAD was when it finished, before nightshift committed anything. */
  agentHead: string;
  /** The commit to push: the agent's commits and leftovers, never-pushed paths removed. */
  head: string;
  /** Commits base..head, oldest first. */
  commits: CommitFact[];
  /** Commits this attempt added (start..head), oldest first. */
  attemptCommits: CommitFact[];
  /** Files that differ between base and head. */
  changedFiles: string[];
  /** The agent left changes it had not committed (nightshift committed them). */
  dirty: boolean;
  dirtyFiles: string[];
  /** Never-pushed paths (transcripts, `.nightshift/`) removed from the agent's commits. */
  stripped: string[];
  /**
   * Nothing came of the attempt: no commit and no change. On a branch the task named
   * (a pull request's) only this attempt counts; on `nightshift/<id>` earlier attempts' pushed
   * commits count too.
   */
  noop: boolean;
  /** Things the agent did to its repository that nightshift had to work around. */
  warnings: string[];
}

async function commitsIn(gitDir: string, range: string): Promise<CommitFact[]> {
  const out = await git(gitDir, ["log", "--reverse", "--format=%H%x09%s", range]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const tab = l.indexOf("\t");
      return { sha: l.slice(0, tab), subject: l.slice(tab + 1) };
    });
}

/**
 * Brings a finished attempt into the task's git directory and prepares what will be
 * pushed: refreshes the mirror, copies the agent's commits, commits what it left
 * uncommitted (with `message`, as nightshift) and removes never-pushed paths from every
 * new commit, even ones the agent made itself. Git runs in the executor's own git
 * directory with the agent's directory as the work tree, never inside the agent's `.git`,
 * so nothing the agent configured there (hooks, filters, fsmonitor) runs outside its
 * sandbox.
 */
export async function settleWorkspace(
  ws: Workspace,
  mirrors: Mirrors,
  message: string,
): Promise<GitFacts> {
  const repo = ws.repo;
  if (!repo) throw new GitError(["settle"], "the workspace has no repository", undefined);
  const { mirror, gitDir } = repo;
  await mirrors.ensure(repo);
  const warnings: string[] = [];
  const fetched = await fetchAgentHead(gitDir, ws.dir, AGENT_REF);
  let agentHead: string;
  if ("sha" in fetched) agentHead = fetched.sha;
  else {
    agentHead = repo.startCommit;
    warnings.push(
      `the agent's repository was not read (${fetched.problem}); its work was taken from its files`,
    );
  }

  const env = { GIT_INDEX_FILE: scratchIndex(ws) };
  const tree = ["--git-dir", gitDir, "--work-tree", ws.dir];
  await git(ws.dir, [...tree, "read-tree", agentHead], { env });
  await git(ws.dir, [...tree, "add", "--all", "--", ...pushablePathspecs()], { env });
  const dirtyFiles = (
    await git(ws.dir, [...tree, "diff", "--cached", "--no-renames", "--name-only", agentHead], {
      env,
    })
  )
    .split("\n")
    .filter(Boolean);
  let raw = agentHead;
  if (dirtyFiles.length > 0) {
    const written = await git(ws.dir, [...tree, "write-tree"], { env });
    raw = await git(gitDir, ["commit-tree", written, "-p", agentHead, "-F", "-"], {
      input: message.endsWith("\n") ? message : `${message}\n`,
    });
  }
  const { head, stripped } = await stripNeverPushed(gitDir, raw, scratchIndex(ws, "strip"));
  await git(gitDir, ["update-ref", HEAD_REF, head]);

  const baseTip =
    (await gitMaybe(mirror, ["rev-parse", "--verify", "--quiet", `refs/heads/${repo.baseRef}`])) ??
    repo.baseCommit;
  const base = (await gitMaybe(gitDir, ["merge-base", baseTip, head])) ?? repo.startCommit;
  const commits = await commitsIn(gitDir, `${base}..${head}`);
  const attemptCommits = await commitsIn(gitDir, `${repo.startCommit}..${head}`);
  const changedFiles = (await git(gitDir, ["diff", "--no-renames", "--name-only", base, head]))
    .split("\n")
    .filter(Boolean);
  return {
    branch: repo.branch,
    base,
    start: repo.startCommit,
    agentHead,
    head,
    commits,
    attemptCommits,
    changedFiles,
    dirty: dirtyFiles.length > 0,
    dirtyFiles,
    stripped,
    noop: attemptCommits.length === 0 && (repo.namedBranch || commits.length === 0),
    warnings,
  };
}
