import { execFile } from "node:child_process";
import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { git } from "@nightshift/testkit";
import { Workspaces } from "./workspaces.ts";

const run = promisify(execFile);

/** Workspaces under fresh temporary directories, owned by a made-up instance of this process. */
export async function tempWorkspaces(instance = "test-instance"): Promise<Workspaces> {
  const dir = await mkdtemp(join(tmpdir(), "ns-wslib-"));
  return new Workspaces({
    root: join(dir, "workspaces"),
    mirrors: join(dir, "mirrors"),
    owner: { instance, pid: process.pid, host: hostname() },
  });
}

/** Plays the agent: runs a shell script in the workspace, as the agent's process would. */
export async function agent(dir: string, script: string): Promise<string> {
  const { stdout } = await run("sh", ["-c", script], {
    cwd: dir,
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: dir,
      GIT_CONFIG_NOSYSTEM: "1",
    },
  });
  return stdout.trim();
}

/** Commits `files` on `branch` of a bare origin (created from `from`, default main). */
export async function pushToOrigin(
  origin: string,
  branch: string,
  files: Record<string, string>,
  from = "main",
): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), "ns-seed-"));
  await git(tmp, "clone", "--quiet", origin, "c");
  const c = join(tmp, "c");
  await git(c, "checkout", "--quiet", "-B", branch, `origin/${from}`);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(c, name)), { recursive: true });
    await writeFile(join(c, name), content);
  }
  await git(c, "add", "-A");
  await git(c, "commit", "--quiet", "-m", `update ${branch}`);
  await git(c, "push", "--quiet", "origin", `HEAD:refs/heads/${branch}`);
  return git(c, "rev-parse", "HEAD");
}

/** Paths in a commit of a repository. */
export async function filesAt(repo: string, rev: string): Promise<string[]> {
  return (await git(repo, "ls-tree", "-r", "--name-only", rev)).split("\n").filter(Boolean);
}

/** Every commit on `rev` not on `not`, newest first. */
export async function commitsOf(repo: string, rev: string, not: string): Promise<string[]> {
  return (await git(repo, "rev-list", rev, "--not", not)).split("\n").filter(Boolean);
}
