import { join } from "node:path";

/** The repository side of a workspace. */
export interface WorkspaceRepo {
  url: string;
  key: string;
  /** The bare mirror the workspace was made from; executor-only. */
  mirror: string;
  /**
   * The executor's git directory for the task (`<home>/git`), borrowing the mirror's
   * objects: the agent's commits are fetched here and what nightshift makes of them is
   * made here. The mirror only ever holds origin's objects, so one task's unpushed work
   * never reaches another task's copy (copies hard-link the mirror's whole object store).
   */
  gitDir: string;
  /** The branch the task writes: `nightshift/<taskId>` or the task's own `repo.branch`. */
  branch: string;
  /** True when the task named its branch (a pull request's), false for `nightshift/<id>`. */
  namedBranch: boolean;
  /** The base branch: the task's `repo.base` or origin's default branch. */
  baseRef: string;
  /** The base branch's commit when this attempt started; repository instructions come from it. */
  baseCommit: string;
  /** Origin's state of `branch` when this attempt started (its base when it did not exist). */
  startCommit: string;
  /** Whether `branch` existed on origin when this attempt started. */
  branchExisted: boolean;
}

/** One task's workspace. */
export interface Workspace {
  taskId: string;
  /**
   * The executor's directory for the task (`<root>/<taskId>`): the ownership record and
   * git's scratch files. Never given to the agent.
   */
  home: string;
  /** The agent's working directory (`<home>/work`): the only one it may write. */
  dir: string;
  /** Same as `repo.branch`; undefined for tasks without a repository. */
  branch?: string;
  /** Same as `repo.startCommit`. */
  startCommit?: string;
  repo?: WorkspaceRepo;
  /** How the workspace came to be, for logs and measurements. */
  prepared: {
    /** `cloned` the mirror, `fetched` an existing one, or `none` without a repository. */
    mirror: "cloned" | "fetched" | "none";
    mirrorMs: number;
    /** Time to make the agent's copy from the mirror. */
    checkoutMs: number;
    /** True when an earlier attempt's workspace on this host was taken over. */
    reused: boolean;
  };
}

/** Scratch index file nightshift uses in a workspace (never the agent's own index). */
export function scratchIndex(ws: Pick<Workspace, "home">, name = "index"): string {
  return join(ws.home, `${name}.git-index`);
}

/** In the task's git directory: the agent's HEAD as fetched, and the commit to push. */
export const AGENT_REF = "refs/nightshift/agent";
export const HEAD_REF = "refs/nightshift/head";
