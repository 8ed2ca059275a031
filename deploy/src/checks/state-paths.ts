import { posix } from "node:path";

/** Config sections whose path settings name directories nightshift writes. */
const SECTIONS = ["executor", "workspace"];

/**
 * The directories a config makes nightshift write (workspaces, mirrors …): every path-like
 * string in those sections, resolved against the working directory. With a read-only root
 * file system each must be on a volume.
 */
export function statePaths(config: object, workdir: string): string[] {
  const out: string[] = [];
  for (const section of SECTIONS) {
    const values = (config as Record<string, unknown>)[section];
    if (values === null || typeof values !== "object") continue;
    for (const v of Object.values(values)) {
      if (typeof v === "string" && /^(\.{1,2}\/|\/|\.nightshift\/)/.test(v))
        out.push(posix.resolve(workdir, v));
    }
  }
  return out;
}
