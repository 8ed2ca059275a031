import { chownTree } from "./ownership.ts";
import type { UidPool } from "./uid-pool.ts";
import { SandboxError } from "./sandbox-error.ts";

export interface TaskUser {
  uid: number;
  gid: number;
  /** Gives the directories back to the executor's user and the uid back to the pool. */
  release(): Promise<void>;
}

/**
 * Takes a uid for one task and hands it the task's directories. The gid moves in step
 * with the uid (`gid + (uid - firstUid)`), so tasks share neither user nor group.
 */
export async function takeTaskUser(
  pool: UidPool,
  ids: { firstUid: number; firstGid: number },
  dirs: readonly string[],
): Promise<TaskUser> {
  const uid = pool.take();
  if (uid === undefined)
    throw new SandboxError("every agent uid is in use: more tasks than executor slots?");
  const gid = ids.firstGid + (uid - ids.firstUid);
  try {
    await Promise.all(dirs.map((d) => chownTree(d, uid, gid)));
  } catch (err) {
    pool.give(uid);
    throw new SandboxError(`cannot give the task's directories to uid ${uid}`, { cause: err });
  }
  const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  return {
    uid,
    gid,
    async release() {
      try {
        for (const d of dirs) await chownTree(d, self.uid, self.gid).catch(ignoreMissing);
      } finally {
        pool.give(uid);
      }
    },
  };
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
}
