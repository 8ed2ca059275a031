import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

/**
 * Runs git in `cwd` and returns trimmed stdout. Tests look into repositories the agents'
 * uids own, so ownership checks are off for these reads.
 */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-c", "safe.directory=*", ...args], {
    cwd,
    env: { ...process.env, ...GIT_ENV },
  });
  return stdout.trim();
}

export interface TestRepo {
  /** A bare repository playing the origin. */
  origin: string;
  /** Branches of the origin. */
  branches(): Promise<string[]>;
  /** A file's content on a branch of the origin. */
  show(branch: string, path: string): Promise<string>;
  /** Commit subjects on a branch of the origin, newest first. */
  log(branch: string): Promise<string[]>;
}

/** A bare origin repository with one commit on `main` containing `files`. */
export async function makeTestRepo(
  files: Record<string, string> = { "README.md": "# test\n" },
): Promise<TestRepo> {
  const root = await mkdtemp(join(tmpdir(), "nightshift-repo-"));
  const origin = join(root, "origin.git");
  const seed = join(root, "seed");
  await run("git", ["init", "--bare", "--initial-branch=main", origin]);
  await run("git", ["init", "--initial-branch=main", seed]);
  for (const [name, content] of Object.entries(files)) await writeFile(join(seed, name), content);
  await git(seed, "add", "-A");
  await git(seed, "commit", "-m", "initial");
  await git(seed, "push", origin, "main");
  return {
    origin,
    async branches() {
      const out = await git(origin, "for-each-ref", "--format=%(refname:short)", "refs/heads");
      return out.split("\n").filter(Boolean);
    },
    show: (branch, path) => git(origin, "show", `${branch}:${path}`),
    async log(branch) {
      return (await git(origin, "log", "--format=%s", branch)).split("\n").filter(Boolean);
    },
  };
}
