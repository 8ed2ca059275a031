import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { GitError, git, gitMaybe } from "./git.ts";
import { KeyedMutex } from "./keyed-mutex.ts";

/** A repository as the workspace layer needs it: where it is and its subject-safe key. */
export interface RepoRef {
  url: string;
  key: string;
}

export interface MirrorReady {
  /** The bare mirror's directory. */
  dir: string;
  /** True when this call cloned it; false when an existing mirror was fetched. */
  cloned: boolean;
  /** Time spent cloning or fetching. */
  ms: number;
}

const KEY = /^[a-z0-9_-]+$/;

/**
 * Bare mirrors, one per repository key, under `root`. Origin's branches and tags are kept
 * at their own names (`refs/heads/*`, `refs/tags/*`, pruned on fetch); nightshift's own
 * refs live under `refs/nightshift/` where fetches never touch them. Every operation on
 * one mirror runs under its key's lock, so concurrent tasks never fetch into the same
 * mirror at once, while mirrors of different repositories proceed in parallel.
 */
export class Mirrors {
  readonly root: string;
  readonly #lock = new KeyedMutex();
  #clones = 0;
  #fetches = 0;

  constructor(root: string) {
    this.root = resolve(root);
  }

  dirOf(key: string): string {
    if (!KEY.test(key))
      throw new GitError(["mirror"], `invalid repository key "${key}"`, undefined);
    return join(this.root, `${key}.git`);
  }

  /** Runs `fn` holding the mirror's lock. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#lock.run(key, fn);
  }

  /** Clones the mirror on first use, fetches it afterwards. */
  ensure(repo: RepoRef): Promise<MirrorReady> {
    return this.withLock(repo.key, () => this.#ensureLocked(repo));
  }

  /** Clones and fetches made by this instance. */
  stats(): { clones: number; fetches: number } {
    return { clones: this.#clones, fetches: this.#fetches };
  }

  async #ensureLocked(repo: RepoRef): Promise<MirrorReady> {
    const dir = this.dirOf(repo.key);
    const t0 = performance.now();
    if (await isBareRepo(dir)) {
      await git(dir, ["remote", "set-url", "origin", repo.url]);
      await fetchOrigin(dir);
      this.#fetches++;
      return { dir, cloned: false, ms: performance.now() - t0 };
    }
    await mkdir(this.root, { recursive: true });
    // Cloned beside its final name and renamed into place, so a crash never leaves a
    // half-made mirror where the next task would trust it.
    const tmp = join(this.root, `.tmp-${repo.key}-${randomBytes(4).toString("hex")}`);
    try {
      await git(this.root, ["init", "--quiet", "--bare", tmp]);
      await git(tmp, ["remote", "add", "origin", repo.url]);
      await git(tmp, [
        "config",
        "--replace-all",
        "remote.origin.fetch",
        "+refs/heads/*:refs/heads/*",
      ]);
      await git(tmp, ["config", "--add", "remote.origin.fetch", "+refs/tags/*:refs/tags/*"]);
      // Maintenance in the foreground: no git process outlives the operation that started it.
      await git(tmp, ["config", "gc.autoDetach", "false"]);
      await fetchOrigin(tmp);
      const head = await gitMaybe(tmp, ["ls-remote", "--symref", "origin", "HEAD"]);
      const target = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(head ?? "")?.[1];
      if (target !== undefined) await git(tmp, ["symbolic-ref", "HEAD", target]);
      if (!(await this.#install(tmp, dir))) {
        // Another executor on this host made it meanwhile: use theirs.
        await fetchOrigin(dir);
        this.#fetches++;
        return { dir, cloned: false, ms: performance.now() - t0 };
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    this.#clones++;
    return { dir, cloned: true, ms: performance.now() - t0 };
  }

  /**
   * Renames a finished clone into place. False when a valid mirror is already there; a
   * directory there that is not one (a crash of an older layout) is moved aside first.
   */
  async #install(tmp: string, dir: string): Promise<boolean> {
    if (await stat(dir).catch(() => undefined)) {
      if (await isBareRepo(dir)) return false;
      await rename(dir, `${tmp}-broken`);
      await rm(`${tmp}-broken`, { recursive: true, force: true });
    }
    try {
      await rename(tmp, dir);
      return true;
    } catch (err) {
      if (await isBareRepo(dir)) return false;
      throw err;
    }
  }
}

/** Mirrors of large repositories take a while; the task's heartbeat runs meanwhile. */
const FETCH_TIMEOUT_MS = 60 * 60_000;

async function fetchOrigin(dir: string): Promise<void> {
  await git(dir, ["fetch", "--quiet", "--prune", "--no-write-fetch-head", "origin"], {
    timeoutMs: FETCH_TIMEOUT_MS,
  });
}

async function isBareRepo(dir: string): Promise<boolean> {
  const st = await stat(join(dir, "HEAD")).catch(() => undefined);
  if (!st?.isFile()) return false;
  return (await gitMaybe(dir, ["rev-parse", "--is-bare-repository"])) === "true";
}

/**
 * The mirror's default branch: what its HEAD points to, or, when HEAD dangles (an origin
 * created with another initial branch), `main`, `master` or the only branch.
 */
export async function defaultBranch(mirror: string): Promise<string> {
  const heads = (await git(mirror, ["for-each-ref", "--format=%(refname:strip=2)", "refs/heads"]))
    .split("\n")
    .filter((b) => b !== "");
  const head = await gitMaybe(mirror, ["symbolic-ref", "--short", "HEAD"]);
  if (head !== undefined && heads.includes(head)) return head;
  for (const candidate of ["main", "master"]) if (heads.includes(candidate)) return candidate;
  if (heads.length === 1 && heads[0] !== undefined) return heads[0];
  throw new GitError(
    ["clone"],
    heads.length === 0
      ? "the repository has no branches to start from"
      : `cannot tell the default branch among ${heads.join(", ")}: set the task's base`,
    undefined,
  );
}

/** A URL without user info, for the agent's copy: credentials stay in the mirror. */
export function withoutCredentials(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    if (u.username === "" && u.password === "") return url;
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return url;
  }
}
