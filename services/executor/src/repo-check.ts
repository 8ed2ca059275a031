import type { NightshiftConfig, RepositoryConfig } from "@nightshift/config";
import type { Task } from "@nightshift/contracts";
import { drainAfterExit, forEachLine } from "@nightshift/agents";
import { terminate } from "@nightshift/sandbox";
import type { Workspace } from "@nightshift/workspace";
import { openAgentPlace } from "./agent-sandbox.ts";
import type { ExecutorContext } from "./context.ts";

/** The settings for a task's repository: the first `repositories` entry that matches. */
export function repositorySettings(
  config: NightshiftConfig,
  task: Task,
): RepositoryConfig | undefined {
  const repo = task.repo;
  if (!repo) return undefined;
  return config.repositories.find(
    (r) => r.match === "*" || r.match === repo.url || r.match === repo.key,
  );
}

export interface CheckResult {
  passed: boolean;
  exitCode: number | null;
  /** The last lines of its output. */
  output: string;
  timedOut: boolean;
}

const KEEP_LINES = 60;

/**
 * Runs the repository's check command (tests, lint) in the workspace, inside the task's
 * sandbox as the agent ran, after the agent finished.
 */
export async function runRepoCheck(
  ctx: ExecutorContext,
  task: Task,
  ws: Workspace,
  check: NonNullable<RepositoryConfig["check"]>,
  signal: AbortSignal,
): Promise<CheckResult> {
  const place = await openAgentPlace(ctx.sandbox, ctx.config, ctx.agentEnv, task.id, ws.dir, {
    spares: ctx.homeSpares,
  });
  try {
    const proc = place.box.spawn({
      argv: ["sh", "-c", check.command],
      cwd: ws.dir,
      env: place.env,
    });
    const lines: string[] = [];
    const keep = (line: string): void => {
      lines.push(line);
      if (lines.length > KEEP_LINES) lines.shift();
    };
    const readers = [forEachLine(proc.stdout, keep), forEachLine(proc.stderr, keep)];
    let timedOut = false;
    const stop = (): void => void terminate(proc, ctx.config.executor.killGrace);
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, check.timeout);
    signal.addEventListener("abort", stop, { once: true });
    const exit = await proc.exited;
    clearTimeout(timer);
    signal.removeEventListener("abort", stop);
    await drainAfterExit([proc.stdout, proc.stderr], readers);
    return {
      passed: exit.code === 0 && !timedOut,
      exitCode: exit.code,
      output: lines.join("\n"),
      timedOut,
    };
  } finally {
    await place.box.close();
  }
}
