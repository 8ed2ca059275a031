import { posix } from "node:path";

/**
 * The directories a config makes nightshift write (executor.workspaces, workspace.mirrors,
 * sandbox.homes …): every path-like string setting at the top of a section, resolved against
 * the working directory. Lists (read-only paths) and nested settings (a gate's cwd) are not
 * state. With a read-only root file system each must be on a volume.
 */
export function statePaths(config: object, workdir: string): string[] {
  const out: string[] = [];
  for (const section of Object.keys(config)) {
    const values = (config as Record<string, unknown>)[section];
    if (values === null || typeof values !== "object") continue;
    for (const v of Object.values(values)) {
      if (typeof v === "string" && /^(\.{1,2}\/|\/|\.nightshift\/)/.test(v))
        out.push(posix.resolve(workdir, v));
    }
  }
  return out;
}
