import { statSync } from "node:fs";
import { dirname } from "node:path";
import { SandboxError } from "./sandbox-error.ts";

/**
 * Without bubblewrap's bind mounts, an agent running as another uid must be able to walk
 * the real path to its workspace. Fails with the first directory that stops it, rather
 * than letting the agent die later with "Permission denied".
 */
export function assertReachable(path: string, uid: number, gid: number): void {
  let dir = dirname(path);
  // Synchronous: a handful of stats of directories in the inode cache, on the dispatch
  // path, where a thread-pool round trip per stat costs more than the stat.
  for (;;) {
    const s = statSync(dir);
    const search =
      s.uid === uid
        ? (s.mode & 0o100) !== 0
        : s.gid === gid
          ? (s.mode & 0o010) !== 0
          : (s.mode & 0o001) !== 0;
    if (!search) {
      throw new SandboxError(
        `uid ${uid} cannot reach ${path}: ${dir} is not searchable for it (mode ${(s.mode & 0o777).toString(8)}); ` +
          `make it searchable (chmod o+x) or use the bwrap sandbox driver`,
      );
    }
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}
