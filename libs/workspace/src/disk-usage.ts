import { execFile } from "node:child_process";
import { NightshiftError } from "@nightshift/errors";

/**
 * Bytes of disk a workspace uses, measured with `du` (blocks actually allocated). With a
 * mirror, `du` first walks the mirror so that objects the workspace shares with it through
 * hard links count there and not against the workspace: only what the task added counts.
 * Files vanishing during the walk (the agent deleting them) do not fail the measurement.
 */
export function diskUsage(dir: string, sharedWith?: string): Promise<number> {
  const args = ["-s", "-k", ...(sharedWith !== undefined ? [sharedWith] : []), dir];
  return new Promise((resolve, reject) => {
    execFile("du", args, { maxBuffer: 1 << 20, timeout: 120_000 }, (err, stdout, stderr) => {
      const lines = stdout.trim().split("\n");
      const last = lines[lines.length - 1] ?? "";
      const m = /^(\d+)\s+(.*)$/.exec(last);
      if (m && m[2] === dir && lines.length === args.length - 2) {
        resolve(Number(m[1]) * 1024);
        return;
      }
      reject(
        new NightshiftError(
          "RETRYABLE",
          `du ${args.join(" ")} failed: ${stderr.trim() || (err?.message ?? "no output")}`,
          { cause: err },
        ),
      );
    });
  });
}
