export { prepareWorkspace, finishWorkspace, removeWorkspace, taskBranch } from "./workspace.ts";
export type { Workspace, PrepareOptions, FinishResult } from "./workspace.ts";
export { git, GitError, COMMITTER } from "./git.ts";
