import { statSync } from "node:fs";
import { dirname } from "node:path";
import { SandboxError } from "./sandbox-error.ts";

/**
 * Directories found searchable (`uid:gid:dir`), and until when that is taken on trust: the
 * folders above every task's workspace and home are the same ones, task after task, and
 * their stats are most of this check's cost on the dispatch path.
 */
const searchable = new Map<string, number>();
/** How long a directory found searchable is not looked at again. */
export const REACHABLE_TRUST_MS = 5_000;

/**
 * Without bubblewrap's bind mounts, an agent running as another uid must be able to walk
 * the real path to its workspace. Fails with the first directory that stops it, rather
 * than letting the agent die later with "Permission denied". A directory made
 * unsearchable less than `REACHABLE_TRUST_MS` after it was checked is not caught here:
 * the agent then fails to start with the system's own error.
 */
export function assertReachable(path: string, uid: number, gid: number, now = Date.now()): void {
  // (one entry per task folder passes through: forgotten wholesale now and then)
  if (searchable.size > 1_000) searchable.clear();
  let dir = dirname(path);
  // Synchronous: a handful of stats of directories in the inode cache, on the dispatch
  // path, where a thread-pool round trip per stat costs more than the stat.
  for (;;) {
    const key = `${uid}:${gid}:${dir}`;
    if ((searchable.get(key) ?? 0) <= now) {
      const s = statSync(dir);
      const search =
        s.uid === uid
          ? (s.mode & 0o100) !== 0
          : s.gid === gid
            ? (s.mode & 0o010) !== 0
            : (s.mode & 0o001) !== 0;
      if (!search) {
        searchable.delete(key);
        throw new SandboxError(
          `uid ${uid} cannot reach ${path}: ${dir} is not searchable for it (mode ${(s.mode & 0o777).toString(8)}); ` +
            `make it searchable (chmod o+x) or use the bwrap sandbox driver`,
        );
      }
      searchable.set(key, now + REACHABLE_TRUST_MS);
    }
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}
