import { mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { TaskRepo } from "@nightshift/contracts";
import { git, GitError } from "./git.ts";

export interface Workspace {
  /** The agent's working directory. */
  dir: string;
  /** Branch the agent works on; undefined for tasks without a repository. */
  branch?: string;
  /** Commit the branch started from in this attempt. */
  startCommit?: string;
}

export interface PrepareOptions {
  root: string;
  taskId: string;
  repo?: TaskRepo | undefined;
}

/** The branch of a task: `nightshift/<taskId>` unless the task names an existing branch. */
export function taskBranch(taskId: string, repo?: TaskRepo): string {
  return repo?.branch ?? `nightshift/${taskId}`;
}

/**
 * A fresh per-task workspace. With a repository: a clone on the task's branch, which
 * continues from the pushed branch when an earlier attempt got that far. Without one:
 * an empty directory.
 */
export async function prepareWorkspace(opts: PrepareOptions): Promise<Workspace> {
  const root = resolve(opts.root);
  const dir = join(root, opts.taskId);
  await mkdir(root, { recursive: true });
  try {
    await mkdir(dir);
  } catch {
    // left over from an earlier attempt on this machine: start clean
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
  }
  if (!opts.repo) return { dir };
  const branch = taskBranch(opts.taskId, opts.repo);
  await git(root, ["clone", "--quiet", "--no-tags", opts.repo.url, dir]);
  const remote = await git(dir, ["ls-remote", "--heads", "origin", branch]);
  if (remote !== "") {
    await git(dir, ["checkout", "--quiet", "-B", branch, `origin/${branch}`]);
  } else {
    const base = `origin/${opts.repo.base ?? (await defaultBranch(dir))}`;
    await git(dir, ["checkout", "--quiet", "-B", branch, base]);
  }
  const startCommit = await git(dir, ["rev-parse", "HEAD"]);
  return { dir, branch, startCommit };
}

export interface FinishResult {
  /** True when the branch has commits that were not there when the attempt started. */
  changed: boolean;
  commit?: string;
  pushed: boolean;
}

/**
 * Commits what the agent left uncommitted (never the `.nightshift/` folder) and pushes
 * the branch when it moved.
 */
export async function finishWorkspace(ws: Workspace, message: string): Promise<FinishResult> {
  if (ws.branch === undefined || ws.startCommit === undefined)
    return { changed: false, pushed: false };
  await git(ws.dir, ["add", "-A", "--", ".", ":(exclude).nightshift"]);
  const staged = await git(ws.dir, ["diff", "--cached", "--name-only"]);
  if (staged !== "") await git(ws.dir, ["commit", "--quiet", "--no-verify", "-m", message]);
  const head = await git(ws.dir, ["rev-parse", "HEAD"]);
  if (head === ws.startCommit) return { changed: false, commit: head, pushed: false };
  await git(ws.dir, ["push", "--quiet", "origin", `HEAD:refs/heads/${ws.branch}`]);
  return { changed: true, commit: head, pushed: true };
}

export async function removeWorkspace(ws: Workspace): Promise<void> {
  await rm(ws.dir, { recursive: true, force: true });
}

/**
 * The origin's default branch: what its HEAD points to, or, when HEAD dangles (a bare
 * repository created with another initial branch), `main`, `master` or the only branch.
 */
export async function defaultBranch(dir: string): Promise<string> {
  const heads = (
    await git(dir, ["for-each-ref", "--format=%(refname:strip=3)", "refs/remotes/origin"])
  )
    .split("\n")
    .filter((b) => b !== "" && b !== "HEAD");
  try {
    const head = await git(dir, ["symbolic-ref", "--short", "refs/remotes/origin/HEAD"]);
    const name = head.replace(/^origin\//, "");
    if (heads.includes(name)) return name;
  } catch {
    // no origin/HEAD: fall through
  }
  for (const candidate of ["main", "master"]) if (heads.includes(candidate)) return candidate;
  if (heads.length >= 1 && heads[0] !== undefined) return heads[0];
  throw new GitError(["clone"], "the repository has no branches to start from", undefined);
}
