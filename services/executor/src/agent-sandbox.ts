import { existsSync, lstatSync, mkdirSync } from "node:fs";
import { rm, rmdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { NightshiftConfig } from "@nightshift/config";
import type { SandboxDriver, TaskSandbox } from "@nightshift/sandbox";
import { SpareDirs } from "@nightshift/workspace";

/** Where the tasks' homes are. */
function homesRoot(config: NightshiftConfig): string {
  return resolve(config.sandbox.homes ?? join(config.executor.workspaces, ".homes"));
}

/** The task's private home: HOME of its agent, kept across attempts (sessions live there). */
export function taskHome(config: NightshiftConfig, taskId: string): string {
  return join(homesRoot(config), taskId);
}

/**
 * Empty homes made ahead of time (`.spares` in the homes folder), two more than there are
 * slots; the homes folder itself is made here: other agents' uids may pass through it but
 * not list it. New ones are made a few milliseconds after a take, in one batch: a home is
 * taken on the dispatch path, and making its successor there (a thread-pool round trip
 * the event loop waits on) would slow the agent's start it was taken for.
 */
export function keepSpareHomes(config: NightshiftConfig): SpareDirs {
  mkdirSync(dirname(homesRoot(config)), { recursive: true });
  mkdirSync(homesRoot(config), { recursive: true, mode: 0o711 });
  const spares = new SpareDirs({
    dir: join(homesRoot(config), ".spares"),
    size: config.executor.slots + 2,
    mode: 0o700,
    refillAfterMs: 10,
  });
  spares.start();
  return spares;
}

/**
 * A review loop's reviewer's home, apart from the worker's: the worker cannot plant
 * settings or hooks there for the reviewer. Emptied before every review.
 */
export function reviewerHome(config: NightshiftConfig, taskId: string): string {
  return `${taskHome(config, taskId)}.review`;
}

export interface AgentPlace {
  box: TaskSandbox;
  home: string;
  /** The agent's environment: the allowlisted base, its HOME, the sandbox's variables. */
  env: Record<string, string>;
}

export interface PlaceOptions {
  /** The workspace read-only but for this folder (relative to it): a reviewer's place. */
  readOnly?: { output: string } | undefined;
  /** Another home than the task's (the reviewer's). */
  home?: string | undefined;
  /** Empty homes ready to be renamed into place. */
  spares?: SpareDirs | undefined;
}

/** Opens the task's sandbox over its workspace and home. */
export async function openAgentPlace(
  driver: SandboxDriver,
  config: NightshiftConfig,
  baseEnv: Readonly<Record<string, string>>,
  taskId: string,
  workspace: string,
  opts: PlaceOptions = {},
): Promise<AgentPlace> {
  const home = opts.home ?? taskHome(config, taskId);
  // Synchronous, on the dispatch path: a stat, and a rename of a spare home (or making one).
  if (!existsSync(home) && !opts.spares?.take(home)) {
    // other agents' uids may pass through the homes folder but not list it
    mkdirSync(dirname(home), { recursive: true, mode: 0o711 });
    mkdirSync(home, { recursive: true, mode: 0o700 });
  }
  const box = await driver.open({
    taskId,
    workspace,
    home,
    ...(opts.readOnly ? { readOnly: opts.readOnly } : {}),
  });
  return { box, home, env: { ...baseEnv, HOME: home, ...box.env } };
}

/**
 * Removes the task's homes once the task is over for good. An agent that left its home
 * empty (and most tasks have no reviewer's home) costs a stat and an rmdir instead of a
 * recursive removal's round trips.
 */
export async function removeTaskHome(config: NightshiftConfig, taskId: string): Promise<void> {
  for (const home of [taskHome(config, taskId), reviewerHome(config, taskId)]) {
    if (lstatSync(home, { throwIfNoEntry: false }) === undefined) continue;
    // rmdir refuses a home that is not empty (or not a folder): removed recursively then
    if (
      await rmdir(home).then(
        () => true,
        () => false,
      )
    )
      continue;
    await rm(home, { recursive: true, force: true });
  }
}
