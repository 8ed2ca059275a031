export {
  prepareWorkspace,
  finishWorkspace,
  removeWorkspace,
  taskBranch,
  defaultBranch,
} from "./workspace.ts";
export type { Workspace, PrepareOptions, FinishResult } from "./workspace.ts";
export { git, GitError, COMMITTER } from "./git.ts";
