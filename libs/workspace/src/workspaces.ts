import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { TASK_ID_PATTERN } from "@nightshift/contracts";
import { PermanentError } from "@nightshift/errors";
import { fetchAgentHead } from "./agent-repo.ts";
import { diskUsage } from "./disk-usage.ts";
import { git, GitError, gitMaybe } from "./git.ts";
import { workspaceInstructions, type RepoInstructions } from "./instructions.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import { landWorkspace, type LandResult } from "./land.ts";
import { META_FILE, readMeta, writeMeta, type WorkspaceMeta, type WorkspaceOwner } from "./meta.ts";
import { defaultBranch, Mirrors, withoutCredentials } from "./mirror.ts";
import { neverPushedExcludes } from "./never-pushed.ts";
import { pushWorkspace, type PushOptions, type PushResult } from "./push.ts";
import type { KnownSecret } from "./secret-patterns.ts";
import { settleWorkspace, type GitFacts } from "./settle.ts";
import { AGENT_REF, type Workspace } from "./workspace.ts";
import { overwriteInPlace, SpareDirs } from "./spare-dirs.ts";

/** Room for a workspace record in a spare (records of tasks without a repository are ~250 bytes). */
const META_ROOM = 1024;

/** The identity the agent's own commits get unless it sets one. */
export const AGENT_IDENTITY = { name: "nightshift agent", email: "agent@nightshift.localhost" };

export interface WorkspacesOptions {
  /** Per-task workspaces: `<root>/<taskId>/{meta.json,git/,work/}`. */
  root: string;
  /** Bare mirrors: `<mirrors>/<repoKey>.git`. */
  mirrors: string;
  /** This executor: recorded as the owner of the workspaces it prepares. */
  owner: WorkspaceOwner;
}

export interface PrepareInput {
  taskId: string;
  attempt: number;
  repo?:
    | { url: string; key: string; base?: string | undefined; branch?: string | undefined }
    | undefined;
}

/**
 * Workspaces of one executor process: a bare mirror per repository, reused by every task
 * on it, and per task a clone of the mirror (objects hard-linked, so it costs about what a
 * `git worktree` does) on `nightshift/<taskId>` or the task's own branch. The clone has
 * its own `.git`, so what the agent does to git (config, hooks, gc) stays in its copy and
 * the mirror is never exposed to it. The executor's side of a task (the agent's commits,
 * leftovers, rewrites) lives in a per-task git directory borrowing the mirror's objects,
 * so the mirror, whose objects every clone links, holds only origin's objects. Operations
 * on one task are serialised.
 */
export class Workspaces {
  readonly root: string;
  readonly mirrors: Mirrors;
  readonly owner: WorkspaceOwner;
  readonly #tasks = new KeyedMutex();
  #spares: SpareDirs | undefined;

  constructor(opts: WorkspacesOptions) {
    this.root = resolve(opts.root);
    this.mirrors = new Mirrors(opts.mirrors);
    this.owner = opts.owner;
  }

  /**
   * Keeps `size` empty workspaces ready for tasks without a repository (in `.spares`,
   * which the sweeper leaves alone); `close()` removes them.
   */
  keepSpares(size: number): SpareDirs {
    this.#spares ??= new SpareDirs({
      dir: join(this.root, ".spares"),
      size,
      mode: 0o777,
      inside: ["work"],
      files: { [META_FILE]: META_ROOM },
      // workspaces come back when their task is done (most tasks without a repository
      // leave `work` empty): new ones are made only for those that do not
      refillAfterMs: 1_000,
    });
    this.#spares.start();
    return this.#spares;
  }

  homeOf(taskId: string): string {
    if (!TASK_ID_PATTERN.test(taskId))
      throw new GitError(["workspace"], `invalid task id "${taskId}"`, undefined);
    return join(this.root, taskId);
  }

  /** Runs `fn` holding the task's workspace lock (the sweeper uses it too). */
  withTask<T>(taskId: string, fn: () => Promise<T>): Promise<T> {
    return this.#tasks.run(taskId, fn);
  }

  /**
   * Makes the task's workspace and records this executor as its owner. A retry continues
   * from the branch as pushed; an earlier attempt's workspace left on this host is taken
   * over when it holds everything that was pushed (it may hold more: uncommitted work of
   * a crashed attempt). The caller holds the repository's lease, which is what makes the
   * workspace its own.
   */
  prepare(input: PrepareInput): Promise<Workspace> {
    return this.withTask(input.taskId, () => this.#prepare(input));
  }

  async #prepare(input: PrepareInput): Promise<Workspace> {
    const { taskId, repo } = input;
    const home = this.homeOf(taskId);
    const dir = join(home, "work");
    const now = new Date().toISOString();
    const meta: WorkspaceMeta = {
      v: 1,
      taskId,
      owner: this.owner,
      attempt: input.attempt,
      createdAt: now,
      updatedAt: now,
    };
    if (!repo && !existsSync(home)) {
      // The common case of a task without a repository, on the dispatch path: a spare
      // directory renamed into place and its record written over the spare's (making a
      // directory or a file costs a block allocation), synchronously (the executor has its task's record write on the wire
      // meanwhile; thread-pool round trips would cost more than the work).
      const text = `${JSON.stringify(meta, null, 2)}\n`;
      if (this.#spares?.take(home)) overwriteInPlace(join(home, META_FILE), text, META_ROOM);
      else {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(home, META_FILE), text);
      }
      return {
        taskId,
        home,
        dir,
        prepared: { mirror: "none", mirrorMs: 0, checkoutMs: 0, reused: false },
      };
    }
    const prev = await readMeta(home);
    if (!repo) {
      await rm(home, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await writeMeta(home, meta);
      return {
        taskId,
        home,
        dir,
        prepared: { mirror: "none", mirrorMs: 0, checkoutMs: 0, reused: false },
      };
    }
    const mirror = await this.mirrors.ensure(repo);
    const baseRef = repo.base ?? (await defaultBranch(mirror.dir));
    const baseCommit = await gitMaybe(mirror.dir, [
      "rev-parse",
      "--verify",
      "--quiet",
      `refs/heads/${baseRef}^{commit}`,
    ]);
    if (baseCommit === undefined)
      throw new PermanentError("no-base-branch", `base branch "${baseRef}" does not exist`);
    const branch = repo.branch ?? `nightshift/${taskId}`;
    const remote = await gitMaybe(mirror.dir, [
      "rev-parse",
      "--verify",
      "--quiet",
      `refs/heads/${branch}^{commit}`,
    ]);
    const startCommit = remote ?? baseCommit;
    const t0 = performance.now();
    const gitDir = join(home, "git");
    let reused = false;
    if (prev?.repo?.key === repo.key && prev.repo.branch === branch && (await isDir(gitDir))) {
      const agent = await fetchAgentHead(gitDir, dir, AGENT_REF);
      reused =
        "sha" in agent &&
        (remote === undefined ||
          (await gitMaybe(gitDir, ["merge-base", "--is-ancestor", remote, agent.sha])) !==
            undefined);
    }
    if (reused) meta.createdAt = prev?.createdAt ?? now;
    else {
      await rm(home, { recursive: true, force: true });
      await mkdir(home, { recursive: true });
      // The record first: a workspace is never on disk without its owner.
      await writeMeta(home, meta);
      await git(home, ["init", "--quiet", "--bare", gitDir]);
      await writeFile(join(gitDir, "objects", "info", "alternates"), `${mirror.dir}/objects\n`);
      await git(gitDir, ["config", "gc.auto", "0"]);
      await git(home, ["clone", "--quiet", "--no-checkout", mirror.dir, dir], {
        timeoutMs: 60 * 60_000,
      });
      await git(dir, ["remote", "set-url", "origin", withoutCredentials(repo.url)]);
      await git(dir, ["checkout", "--quiet", "-B", branch, startCommit], {
        timeoutMs: 60 * 60_000,
      });
      if (remote !== undefined)
        await git(dir, ["branch", "--quiet", `--set-upstream-to=origin/${branch}`]);
      await git(dir, ["config", "user.name", AGENT_IDENTITY.name]);
      await git(dir, ["config", "user.email", AGENT_IDENTITY.email]);
      await mkdir(join(dir, ".git", "info"), { recursive: true });
      await writeFile(join(dir, ".git", "info", "exclude"), neverPushedExcludes());
    }
    meta.repo = { url: repo.url, key: repo.key, branch, baseRef };
    await writeMeta(home, meta);
    return {
      taskId,
      home,
      dir,
      branch,
      startCommit,
      repo: {
        url: repo.url,
        key: repo.key,
        mirror: mirror.dir,
        gitDir,
        branch,
        namedBranch: repo.branch !== undefined,
        baseRef,
        baseCommit,
        startCommit,
        branchExisted: remote !== undefined,
      },
      prepared: {
        mirror: mirror.cloned ? "cloned" : "fetched",
        mirrorMs: mirror.ms,
        checkoutMs: performance.now() - t0,
        reused,
      },
    };
  }

  /** Brings the finished attempt into the task's git directory and says what it amounts to. */
  settle(ws: Workspace, message: string): Promise<GitFacts> {
    return this.withTask(ws.taskId, () => settleWorkspace(ws, this.mirrors, message));
  }

  /** Scans and pushes a settled attempt (see pushWorkspace). */
  push(
    ws: Workspace,
    facts: GitFacts,
    secrets: readonly KnownSecret[],
    opts: PushOptions = {},
  ): Promise<PushResult> {
    return this.withTask(ws.taskId, () => pushWorkspace(ws, facts, secrets, this.mirrors, opts));
  }

  /** Lands a pushed head on the base branch (see landWorkspace). */
  land(ws: Workspace, head: string, opts: PushOptions = {}): Promise<LandResult> {
    return this.withTask(ws.taskId, () => landWorkspace(ws, head, this.mirrors, opts));
  }

  /** The repository's instructions from the task's base branch. */
  instructions(ws: Workspace): Promise<RepoInstructions | undefined> {
    return workspaceInstructions(ws);
  }

  /** Bytes the workspace uses beyond what it shares with its mirror. */
  usage(ws: Workspace): Promise<number> {
    return diskUsage(ws.home, ws.repo?.mirror);
  }

  /** Marks the workspace as in use now (the sweeper's TTL counts from here). */
  touch(ws: Workspace): Promise<void> {
    return this.withTask(ws.taskId, async () => {
      const meta = await readMeta(ws.home);
      if (meta?.owner?.instance !== this.owner.instance) return;
      await writeMeta(ws.home, { ...meta, updatedAt: new Date().toISOString() });
    });
  }

  /**
   * Ends this executor's ownership but keeps the workspace for the task's next attempt
   * (the task is not finished). The sweeper removes it once the task finishes elsewhere
   * or it outlives its TTL.
   */
  release(ws: Workspace): Promise<void> {
    return this.withTask(ws.taskId, async () => {
      const meta = await readMeta(ws.home);
      if (meta?.owner?.instance !== this.owner.instance) return;
      await writeMeta(ws.home, { ...meta, owner: null, updatedAt: new Date().toISOString() });
    });
  }

  /**
   * Deletes the workspace (the agent's copy and the task's git directory). A task without
   * a repository gives its folder back to the spares when the agent left `work` empty.
   */
  remove(ws: Workspace): Promise<void> {
    return this.withTask(ws.taskId, async () => {
      if (ws.repo === undefined && (await this.#spares?.recycle(ws.home))) return;
      await this.removeLocked(ws.home);
    });
  }

  /**
   * Removes a finished task's workspace left on this host by an earlier attempt, unless
   * another executor still owns it (the sweeper decides about those). Returns whether
   * there was one to remove.
   */
  discard(taskId: string): Promise<boolean> {
    return this.withTask(taskId, async () => {
      const home = this.homeOf(taskId);
      const meta = await readMeta(home);
      if (!meta || (meta.owner !== null && meta.owner.instance !== this.owner.instance))
        return false;
      await this.removeLocked(home);
      return true;
    });
  }

  /** Removal for callers already holding the task's lock. */
  async removeLocked(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
