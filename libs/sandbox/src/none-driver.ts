import { spawnGroup } from "./process-group.ts";
import type { Sandbox } from "./types.ts";

/**
 * No isolation beyond a process group and a scrubbed environment: for Kubernetes pods,
 * where the pod's securityContext and NetworkPolicy are the sandbox.
 */
export function noneSandbox(): Sandbox {
  return { driver: "none", spawn: (spec) => spawnGroup(spec) };
}
