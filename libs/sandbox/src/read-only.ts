import { cp, lstat, mkdir, mkdtemp, rm } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { grantRead, setWritable } from "./ownership.ts";
import { SandboxError } from "./sandbox-error.ts";

/** The writable folder of a read-only workspace, checked to stay inside it. */
export function outputFolder(workspace: string, output: string): string {
  const rel = normalize(output);
  if (isAbsolute(rel) || rel === "." || rel === ".." || rel.startsWith(`..${sep}`))
    throw new SandboxError(`the writable folder must be inside the workspace, not "${output}"`);
  return join(workspace, rel);
}

export interface WorkspaceCopy {
  /** Where the agent works. */
  dir: string;
  /** The writable folder inside `dir`. */
  output: string;
  remove(): Promise<void>;
}

/**
 * A copy of the workspace beside it, for an agent that must not change the workspace where
 * no mount can make it read-only (the none driver). Readable by every user; when the agent
 * runs as the executor's own user, write bits are taken off (except in `output`), which it
 * could restore, but only on the copy, which is removed afterwards.
 */
export async function copyWorkspace(
  workspace: string,
  output: string,
  sameUser: boolean,
): Promise<WorkspaceCopy> {
  const dir = await mkdtemp(join(dirname(workspace), "read-only-"));
  const remove = async (): Promise<void> => {
    await setWritable(dir, true).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await cp(workspace, dir, { recursive: true, verbatimSymlinks: true, force: true });
    const out = await freshFolder(dir, output);
    await grantRead(dir);
    if (sameUser) {
      await setWritable(dir, false);
      await setWritable(out, true);
    }
    return { dir, output: out, remove };
  } catch (err) {
    await remove();
    throw new SandboxError("cannot copy the workspace for a read-only agent", { cause: err });
  }
}

/**
 * Makes `rel` under `root` an empty real folder: every component on the way is a real
 * folder (a symbolic link or file an earlier agent planted there is removed, so nothing
 * the executor creates lands outside the workspace), and the folder itself is emptied.
 */
export async function freshFolder(root: string, rel: string): Promise<string> {
  const target = outputFolder(root, rel);
  const parts = target.slice(root.length + 1).split(sep);
  let at = root;
  for (const [i, part] of parts.entries()) {
    at = join(at, part);
    const st = await lstat(at).catch(() => undefined);
    const last = i === parts.length - 1;
    if (st && (last || st.isSymbolicLink() || !st.isDirectory()))
      await rm(at, { recursive: true, force: true });
    if (!st || last || st.isSymbolicLink() || !st.isDirectory()) await mkdir(at);
  }
  return target;
}
