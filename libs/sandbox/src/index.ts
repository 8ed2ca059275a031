export { noneSandbox } from "./none-driver.ts";
export { spawnGroup, groupMembers, taggedProcesses, PROCESS_TAG } from "./process-group.ts";
export { terminate } from "./kill-tree.ts";
export type { Sandbox, SandboxProcess, SpawnSpec } from "./types.ts";
