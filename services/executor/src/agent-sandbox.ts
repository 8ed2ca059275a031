import { mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { NightshiftConfig } from "@nightshift/config";
import type { SandboxDriver, TaskSandbox } from "@nightshift/sandbox";

/** The task's private home: HOME of its agent, kept across attempts (sessions live there). */
export function taskHome(config: NightshiftConfig, taskId: string): string {
  return join(resolve(config.sandbox.homes ?? join(config.executor.workspaces, ".homes")), taskId);
}

export interface AgentPlace {
  box: TaskSandbox;
  home: string;
  /** The agent's environment: the allowlisted base, its HOME, the sandbox's variables. */
  env: Record<string, string>;
}

/** Opens the task's sandbox over its workspace and home. */
export async function openAgentPlace(
  driver: SandboxDriver,
  config: NightshiftConfig,
  baseEnv: Readonly<Record<string, string>>,
  taskId: string,
  workspace: string,
): Promise<AgentPlace> {
  const home = taskHome(config, taskId);
  // other agents' uids may pass through the homes folder but not list it
  // (synchronous: two metadata operations on the dispatch path)
  mkdirSync(dirname(home), { recursive: true, mode: 0o711 });
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const box = await driver.open({ taskId, workspace, home });
  return { box, home, env: { ...baseEnv, HOME: home, ...box.env } };
}

/** Removes the task's home once the task is over for good. */
export async function removeTaskHome(config: NightshiftConfig, taskId: string): Promise<void> {
  await rm(taskHome(config, taskId), { recursive: true, force: true });
}
