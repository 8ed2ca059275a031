import type { Workspace, Workspaces } from "@nightshift/workspace";

export interface QuotaWatch {
  /** The last measurement in bytes (undefined before the first). */
  used(): number | undefined;
  stop(): void;
}

/**
 * Measures a running task's workspace every `intervalMs` and calls `onExceeded` once when
 * it uses more than `quota` bytes. Filesystem quotas need privileges and a filesystem set
 * up for them, so the executor measures instead (`du`, which takes well under a second for
 * typical workspaces); between two measurements a task can overshoot, which the sandbox's
 * file-size limit bounds. Each measurement also marks the workspace as in use for the
 * sweeper.
 */
export function watchQuota(
  workspaces: Workspaces,
  ws: Workspace,
  quota: number,
  intervalMs: number,
  onExceeded: (used: number) => void,
  onError: (err: unknown) => void,
): QuotaWatch {
  let used: number | undefined;
  let busy = false;
  let fired = false;
  const timer = setInterval(() => {
    if (busy || fired) return;
    busy = true;
    void (async () => {
      try {
        used = await workspaces.usage(ws);
        await workspaces.touch(ws);
        if (used > quota && !fired) {
          fired = true;
          onExceeded(used);
        }
      } catch (err) {
        onError(err);
      } finally {
        busy = false;
      }
    })();
  }, intervalMs);
  return {
    used: () => used,
    stop: () => clearInterval(timer),
  };
}

/** `1.5 GiB`, `300 MiB`, `12 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
