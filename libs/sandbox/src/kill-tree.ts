import type { SandboxProcess } from "./types.ts";

/**
 * SIGTERM to the process group, then SIGKILL after `graceMs` if anything is left.
 * Resolves when the group is gone.
 */
export async function terminate(proc: SandboxProcess, graceMs: number): Promise<void> {
  proc.killGroup("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      proc.killGroup("SIGKILL");
      resolve();
    }, graceMs);
  });
  await Promise.race([proc.exited, killed]);
  if (timer) clearTimeout(timer);
  // After SIGKILL the group still needs to be reaped before `exited` resolves.
  const stragglers = setInterval(() => proc.killGroup("SIGKILL"), 200);
  try {
    await proc.exited;
  } finally {
    clearInterval(stragglers);
  }
}
