export { noneSandbox } from "./none-driver.ts";
export type { Spawner } from "./none-driver.ts";
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
export type { Sandbox, SandboxProcess, SpawnSpec } from "./types.ts";
