import { spawn } from "node:child_process";
import { mkdir, readdir } from "node:fs/promises";
import type { ObjectStore } from "@nightshift/messaging";

/** Largest home archive kept; a bigger one is skipped (the session then resumes only locally). */
export const MAX_HOME_ARCHIVE = 256 * 1024 * 1024;

export function homeArchiveName(taskId: string): string {
  return `tasks/${taskId}/home.tgz`;
}

async function isEmpty(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

function tarOf(dir: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("tar", ["-czf", "-", "-C", dir, "."], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      size += d.length;
      if (size > MAX_HOME_ARCHIVE) {
        child.kill("SIGKILL");
        return;
      }
      chunks.push(d);
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => {
      if (size > MAX_HOME_ARCHIVE)
        reject(new Error(`the agent's home is over ${MAX_HOME_ARCHIVE} bytes packed`));
      // exit 1: files changed while being read (the agent is running): the archive is usable
      else if (code === 0 || code === 1) resolve(Buffer.concat(chunks));
      else reject(new Error(`tar failed (${code}): ${err.trim().split("\n").pop() ?? ""}`));
    });
  });
}

/**
 * Saves the agent's private home (where Claude Code, Codex and nightshift's own loop keep
 * a session's transcript) to the object store, so an attempt on another machine can
 * resume the session.
 */
export async function archiveHome(
  store: ObjectStore,
  taskId: string,
  home: string,
): Promise<number> {
  if (await isEmpty(home)) return 0;
  const data = await tarOf(home);
  await store.putBlob({ name: homeArchiveName(taskId) }, data);
  return data.length;
}

/**
 * Brings back a saved home when this machine has none for the task (the earlier attempt
 * ran elsewhere). Returns whether anything was restored.
 */
export async function restoreHome(
  store: ObjectStore,
  taskId: string,
  home: string,
): Promise<boolean> {
  if (!(await isEmpty(home))) return false;
  const data = await store.getBlob(homeArchiveName(taskId));
  if (!data) return false;
  await mkdir(home, { recursive: true, mode: 0o700 });
  await new Promise<void>((resolve, reject) => {
    const child = spawn("tar", ["-xzf", "-", "-C", home, "--no-same-owner"], {
      stdio: ["pipe", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`tar failed (${code}): ${err.trim()}`)),
    );
    child.stdin.end(Buffer.from(data));
  });
  return true;
}

/** Removes a finished task's saved home. */
export async function forgetHome(store: ObjectStore, taskId: string): Promise<void> {
  await store.delete(homeArchiveName(taskId)).catch(() => undefined);
}
