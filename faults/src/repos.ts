import { execFile, spawn } from "node:child_process";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Delivered, Push } from "./check-input.ts";

const run = promisify(execFile);

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "faults",
  GIT_AUTHOR_EMAIL: "faults@example.com",
  GIT_COMMITTER_NAME: "faults",
  GIT_COMMITTER_EMAIL: "faults@example.com",
};

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env: GIT_ENV, maxBuffer: 64 << 20 });
  return stdout.trim();
}

/** The push log of an origin: one line per ref update, written by its post-receive hook. */
const PUSH_LOG = "pushes.log";

/**
 * A bare origin with one commit on `main` and a post-receive hook that logs every ref
 * update with the time it landed: the fault suite's view of what reached the outside world.
 */
export async function makeOrigin(root: string, name: string): Promise<string> {
  const origin = join(root, `${name}.git`);
  const seed = join(root, `${name}-seed`);
  await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", origin]);
  await run("git", ["init", "--quiet", "--initial-branch=main", seed]);
  await writeFile(join(seed, "README.md"), `# ${name}\n`);
  await git(seed, "add", "-A");
  await git(seed, "commit", "--quiet", "-m", "initial");
  await git(seed, "push", "--quiet", origin, "main");
  await installPushLog(origin);
  return origin;
}

/** Installs the post-receive hook that logs every ref update of `origin` with its time. */
export async function installPushLog(origin: string): Promise<void> {
  const hook = join(origin, "hooks", "post-receive");
  await mkdir(join(origin, "hooks"), { recursive: true });
  await writeFile(
    hook,
    [
      "#!/bin/sh",
      "now=$(date +%s%3N)",
      `while read old new ref; do echo "$now $old $new $ref" >> ${JSON.stringify(join(origin, PUSH_LOG))}; done`,
      "",
    ].join("\n"),
  );
  await chmod(hook, 0o755);
}

/** Reads many `<rev>:<path>` blobs at once; a missing one reads as "". */
async function readBlobs(origin: string, specs: string[]): Promise<string[]> {
  if (specs.length === 0) return [];
  const child = spawn("git", ["cat-file", "--batch"], { cwd: origin, env: GIT_ENV });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", () => resolve());
  });
  child.stdin.end(specs.map((s) => `${s}\n`).join(""));
  await done;
  const out = Buffer.concat(chunks);
  const blobs: string[] = [];
  let pos = 0;
  for (let i = 0; i < specs.length; i++) {
    const nl = out.indexOf(0x0a, pos);
    const header = out.subarray(pos, nl).toString();
    pos = nl + 1;
    if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
      blobs.push("");
      continue;
    }
    const size = Number(header.split(" ")[2]);
    blobs.push(out.subarray(pos, pos + size).toString());
    pos += size + 1;
  }
  return blobs;
}

const ZERO = /^0+$/;

function effectLines(text: string, taskId: string): string[] {
  return text.split("\n").filter((l) => l.startsWith(`${taskId} `));
}

function fencesOf(lines: readonly string[]): number[] {
  return lines.map((l) => Number(/fence=(\d+)/.exec(l)?.[1] ?? NaN));
}

/**
 * What reached one origin: every push to a task branch (when it landed, and the lease
 * fence of the agent run whose work it carries) and, per task branch, how many times its
 * effect is there.
 */
export async function inspectOrigin(
  origin: string,
): Promise<{ pushes: Push[]; delivered: Delivered[] }> {
  const log = await readFile(join(origin, PUSH_LOG), "utf8").catch(() => "");
  const updates = log
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [at, old, next, ref] = line.split(" ");
      return { at: Number(at), old: old ?? "", next: next ?? "", ref: ref ?? "" };
    })
    .filter((u) => u.ref.startsWith("refs/heads/nightshift/"));
  const idOf = (ref: string): string => ref.slice("refs/heads/nightshift/".length);
  // The run a push carries is named by `runs/<id>`, which every agent run rewrites.
  const specs = updates.map((u) =>
    ZERO.test(u.next) ? "0000:none" : `${u.next}:runs/${idOf(u.ref)}`,
  );
  const blobs = await readBlobs(origin, specs);
  const pushes: Push[] = updates.map((u, i) => {
    const id = idOf(u.ref);
    return {
      repo: origin,
      taskId: id,
      at: u.at,
      fences: fencesOf(effectLines(blobs[i] ?? "", id)),
    };
  });
  const branches = (
    await git(origin, "for-each-ref", "--format=%(refname:strip=3)", "refs/heads/nightshift")
  )
    .split("\n")
    .filter(Boolean);
  const heads = await readBlobs(
    origin,
    branches.map((id) => `refs/heads/nightshift/${id}:effects/${id}`),
  );
  const delivered = branches.map((id, i) => ({
    taskId: id,
    effects: effectLines(heads[i] ?? "", id).length,
  }));
  return { pushes, delivered };
}
