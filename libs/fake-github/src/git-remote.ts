import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Fake GitHub",
  GIT_AUTHOR_EMAIL: "fake@github.test",
  GIT_COMMITTER_NAME: "Fake GitHub",
  GIT_COMMITTER_EMAIL: "fake@github.test",
  GIT_TERMINAL_PROMPT: "0",
};

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env: ENV, maxBuffer: 16 << 20 });
  return stdout.trim();
}

/** A bare repository on disk playing a GitHub repository's git remote. */
export async function createBareRepo(
  root: string,
  name: string,
  files: Record<string, string>,
  branch: string,
): Promise<string> {
  const dir = join(root, `${name}.git`);
  await mkdir(dirname(dir), { recursive: true });
  await run("git", ["init", "--quiet", "--bare", `--initial-branch=${branch}`, dir]);
  await commitFiles(dir, branch, files, "initial commit", undefined);
  return dir;
}

/** Commits `files` on `branch` (created from `from` when new) and pushes it to the bare repo. */
export async function commitFiles(
  bare: string,
  branch: string,
  files: Record<string, string>,
  message: string,
  from: string | undefined,
): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), "fake-github-work-"));
  try {
    const heads = await branches(bare);
    if (heads.size === 0) {
      await git(work, "init", "--quiet", `--initial-branch=${branch}`);
    } else {
      await git(work, "clone", "--quiet", bare, ".");
      const start = heads.has(branch) ? branch : (from ?? branch);
      await git(work, "checkout", "--quiet", "-B", branch, `origin/${start}`);
    }
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), content);
    }
    await git(work, "add", "-A");
    await git(work, "commit", "--quiet", "--allow-empty", "-m", message);
    await git(work, "push", "--quiet", bare, `HEAD:refs/heads/${branch}`);
    return await git(work, "rev-parse", "HEAD");
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Branch name → commit sha of every branch in the bare repository. */
export async function branches(bare: string): Promise<Map<string, string>> {
  const out = await git(
    bare,
    "for-each-ref",
    "--format=%(refname:strip=2) %(objectname)",
    "refs/heads",
  );
  const map = new Map<string, string>();
  for (const line of out.split("\n").filter(Boolean)) {
    const [name, sha] = line.split(" ");
    if (name && sha) map.set(name, sha);
  }
  return map;
}

/** Whether `head` merges into `base` without conflicts (what GitHub reports as `mergeable`). */
export async function mergeable(bare: string, base: string, head: string): Promise<boolean> {
  try {
    await run("git", ["merge-tree", "--write-tree", "--no-messages", base, head], {
      cwd: bare,
      env: ENV,
    });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 1) return false;
    throw err;
  }
}

/** A file's content at a ref of the bare repository. */
export function show(bare: string, ref: string, path: string): Promise<string> {
  return git(bare, "show", `${ref}:${path}`);
}
