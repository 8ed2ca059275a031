import { spawnGroup } from "./process-group.ts";
import type { Sandbox, SandboxProcess, SpawnSpec } from "./types.ts";

/** Starts a process group: `spawnGroup` in this process, or a launcher's `spawn`. */
export type Spawner = (spec: SpawnSpec) => SandboxProcess;

/**
 * No isolation beyond a process group and a scrubbed environment: for Kubernetes pods,
 * where the pod's securityContext and NetworkPolicy are the sandbox.
 */
export function noneSandbox(spawner: Spawner = (spec) => spawnGroup(spec)): Sandbox {
  return { driver: "none", spawn: spawner };
}
