export { noneSandbox, noneDriver } from "./none-driver.ts";
export type { NoneDriverOptions, Spawner } from "./none-driver.ts";
export { bwrapDriver, FORWARDER } from "./bwrap-driver.ts";
export type { BwrapDriverOptions } from "./bwrap-driver.ts";
export { bwrapArgs, SYSTEM_DIRS } from "./bwrap-args.ts";
export { createSandboxDriver, probeBwrap } from "./create-driver.ts";
export type { SandboxSettings, DriverContext } from "./create-driver.ts";
export { startEgressProxy, hostAllowed } from "./egress-proxy.ts";
export type { EgressProxy } from "./egress-proxy.ts";
export { exposeCommand, resolveCommand } from "./expose-command.ts";
export type { ExposedCommand } from "./expose-command.ts";
export { prlimitArgv } from "./limits.ts";
export type { ResourceLimits } from "./limits.ts";
export { proxyEnv } from "./proxy-env.ts";
export { SandboxError } from "./sandbox-error.ts";
export { UidPool } from "./uid-pool.ts";
export {
  spawnGroup,
  groupMembers,
  taggedProcesses,
  signalTree,
  reapLeftovers,
  PROCESS_TAG,
} from "./process-group.ts";
export { startLauncher } from "./launcher.ts";
export type { Launcher } from "./launcher.ts";
export { terminate } from "./kill-tree.ts";
export type {
  Sandbox,
  SandboxProcess,
  SpawnSpec,
  SandboxDriver,
  SandboxOpenOptions,
  TaskSandbox,
} from "./types.ts";
