export { BackendRegistry } from "./registry.ts";
export type { BackendFactory } from "./registry.ts";
export { commandBackend, expandArg } from "./command-backend.ts";
export { forEachLine, drainAfterExit } from "./lines.ts";
export type { AgentBackend, AgentRunInput, AgentRunResult } from "./types.ts";
