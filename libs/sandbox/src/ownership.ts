import { lchown, readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Gives `root` and everything below it to `uid:gid`, without following symbolic links
 * (a link the agent planted must not make the executor chown a file outside).
 */
export async function chownTree(root: string, uid: number, gid: number): Promise<void> {
  await lchown(root, uid, gid);
  const entries = await readdir(root, { withFileTypes: true });
  await Promise.all(
    entries.map(async (e) => {
      const p = join(root, e.name);
      if (e.isDirectory()) await chownTree(p, uid, gid);
      else await lchown(p, uid, gid);
    }),
  );
}
