import { lchownSync, readdirSync } from "node:fs";
import { chmod, lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

/** Entries changed between two yields to the event loop. */
const BATCH = 256;

/**
 * Gives `root` and everything below it to `uid:gid`, without following symbolic links
 * (a link the agent planted must not make the executor chown a file outside).
 *
 * Synchronous calls in batches: a promise-based lchown or readdir costs the event loop
 * several times the call itself, and most trees here are small (a fresh workspace, an
 * agent's home). A large checkout still lets the loop run every BATCH entries.
 */
export async function chownTree(root: string, uid: number, gid: number): Promise<void> {
  const dirs = [root];
  let done = 0;
  lchownSync(root, uid, gid);
  for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      lchownSync(p, uid, gid);
      if (e.isDirectory()) dirs.push(p);
      if (++done % BATCH === 0) await new Promise<void>((r) => setImmediate(r));
    }
  }
}

/**
 * Lets every user read `root` and everything below it (folders also searchable), without
 * following symbolic links: an agent that runs as another uid can then read what an
 * earlier agent left with restrictive modes. Git tracks only the executable bit, which
 * this never changes for files.
 */
export async function grantRead(root: string): Promise<void> {
  const st = await lstat(root);
  if (st.isSymbolicLink()) return;
  await chmod(root, st.mode | (st.isDirectory() ? 0o555 : 0o444));
  if (!st.isDirectory()) return;
  const entries = await readdir(root, { withFileTypes: true });
  await Promise.all(entries.map((e) => grantRead(join(root, e.name))));
}

/**
 * Sets the write bits of `root` and below: off (`writable` false) to make a copy
 * read-only for an agent of the same uid, on again so it can be removed.
 */
export async function setWritable(root: string, writable: boolean): Promise<void> {
  const st = await lstat(root);
  if (st.isSymbolicLink()) return;
  await chmod(root, writable ? st.mode | 0o200 : st.mode & ~0o222);
  if (!st.isDirectory()) return;
  const entries = await readdir(root, { withFileTypes: true });
  await Promise.all(entries.map((e) => setWritable(join(root, e.name), writable)));
}
