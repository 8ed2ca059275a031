export { Workspaces, AGENT_IDENTITY } from "./workspaces.ts";
export { SpareDirs } from "./spare-dirs.ts";
export { KeyedMutex } from "./keyed-mutex.ts";
export type { SpareDirsOptions } from "./spare-dirs.ts";
export type { WorkspacesOptions, PrepareInput } from "./workspaces.ts";
export type { Workspace, WorkspaceRepo } from "./workspace.ts";
export { Mirrors, defaultBranch, withoutCredentials } from "./mirror.ts";
export type { MirrorReady, RepoRef } from "./mirror.ts";
export { settleWorkspace } from "./settle.ts";
export type { GitFacts, CommitFact } from "./settle.ts";
export { pushWorkspace } from "./push.ts";
export { landWorkspace } from "./land.ts";
export type { LandResult } from "./land.ts";
export type { PushResult } from "./push.ts";
export { SecretDetectedError, scanForSecrets } from "./secret-scan.ts";
export type { SecretFinding } from "./secret-scan.ts";
export { TOKEN_PATTERNS, MIN_SECRET_LENGTH, secretsIn } from "./secret-patterns.ts";
export type { KnownSecret, TokenPattern } from "./secret-patterns.ts";
export { NEVER_PUSHED } from "./never-pushed.ts";
export {
  readRepoInstructions,
  workspaceInstructions,
  instructionList,
  INSTRUCTION_FILES,
  ROLES_DIR,
  MAX_INSTRUCTION_BYTES,
} from "./instructions.ts";
export type { RepoInstructions, InstructionFile } from "./instructions.ts";
export { diskUsage } from "./disk-usage.ts";
export { sweepWorkspaces, ownerProcessAlive } from "./sweeper.ts";
export type { SweepOptions, SweepReport } from "./sweeper.ts";
export { WorkspaceMeta, WorkspaceOwner, readMeta } from "./meta.ts";
export { unsafeGitDir } from "./agent-repo.ts";
export { git, GitError, COMMITTER } from "./git.ts";
