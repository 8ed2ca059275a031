import { lstat, opendir } from "node:fs/promises";
import { join } from "node:path";
import { git, GitError, shellQuote } from "./git.ts";

/** Files that make git read objects or refs from another repository. */
const FOREIGN_POINTERS = ["commondir", "objects/info/alternates", "objects/info/http-alternates"];

/**
 * Why the agent's `.git` must not be read, or undefined when it is a plain repository.
 * The agent controls that directory: a symlink or an alternates file in it would make
 * the executor (which runs outside the sandbox) read objects of another repository on
 * this host and push them here.
 */
export async function unsafeGitDir(work: string): Promise<string | undefined> {
  const gitDir = join(work, ".git");
  const top = await lstat(gitDir).catch(() => undefined);
  if (!top) return ".git is missing";
  if (!top.isDirectory()) return ".git is not a directory";
  for (const rel of FOREIGN_POINTERS) {
    if (await lstat(join(gitDir, rel)).catch(() => undefined)) return `.git/${rel} exists`;
  }
  const stack = [gitDir];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    for await (const entry of await opendir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) return `${path.slice(work.length + 1)} is a symbolic link`;
      if (entry.isDirectory()) stack.push(path);
    }
  }
  return undefined;
}

/**
 * Copies the agent's HEAD commit (and what it needs) into `gitDir` under `ref` with
 * `git fetch`, which runs upload-pack in the agent's repository: git's own boundary for
 * reading an untrusted repository (its config and hooks are not executed). Returns the
 * commit, or why the agent's repository could not be read.
 */
export async function fetchAgentHead(
  gitDir: string,
  work: string,
  ref: string,
): Promise<{ sha: string } | { problem: string }> {
  const problem = await unsafeGitDir(work);
  if (problem !== undefined) return { problem };
  const agentGit = join(work, ".git");
  // The agent may run as another user; trust exactly this directory for this fetch.
  const uploadPack = `git -c safe.directory=${shellQuote(agentGit)} upload-pack`;
  try {
    await git(gitDir, [
      "fetch",
      "--quiet",
      "--no-tags",
      "--no-write-fetch-head",
      "--no-recurse-submodules",
      `--upload-pack=${uploadPack}`,
      agentGit,
      `+HEAD:${ref}`,
    ]);
  } catch (err) {
    if (err instanceof GitError) return { problem: `its HEAD could not be read: ${err.message}` };
    throw err;
  }
  return { sha: await git(gitDir, ["rev-parse", "--verify", `${ref}^{commit}`]) };
}
