export { COMMANDS } from "./commands/index.ts";
export { runCli } from "./run.ts";
export type { Command, Io } from "./command.ts";
