import { hostname } from "node:os";
import { join } from "node:path";
import { secretValues, type Secrets } from "@nightshift/config";
import { isTerminal, Keys } from "@nightshift/contracts";
import { coerceError } from "@nightshift/errors";
import type { ServiceDeps } from "@nightshift/host";
import {
  ownerProcessAlive,
  sweepWorkspaces,
  Workspaces,
  type KnownSecret,
  type SweepReport,
  type WorkspaceOwner,
} from "@nightshift/workspace";

/** The executor's secrets as the pre-push scan looks for them: each value with its name. */
export function knownSecrets(secrets: Secrets): KnownSecret[] {
  const values = new Set(secretValues(secrets));
  return Object.entries(secrets)
    .filter((e): e is [string, string] => typeof e[1] === "string" && values.has(e[1]))
    .map(([name, value]) => ({ name, value }));
}

export interface ExecutorWorkspaces {
  workspaces: Workspaces;
  /** Runs one sweep now (also run every `workspace.sweepInterval`). */
  sweep(): Promise<SweepReport>;
  /** The last sweep's report, for `/status`. */
  lastSweep(): SweepReport | undefined;
  /** Ends the sweeps and removes the spare workspaces. */
  stop(): Promise<void>;
}

/**
 * The executor's workspaces and their sweeper. A workspace's owner counts as alive while
 * its executor announces presence, or while its process runs on this host; a task counts
 * as finished when its record is terminal. Sweeps run every `workspace.sweepInterval`,
 * the first one interval after start-up.
 */
export function startWorkspaces(
  deps: Pick<ServiceDeps, "config" | "bus" | "log" | "instance">,
  active: () => ReadonlySet<string>,
): ExecutorWorkspaces {
  const { config, bus, log } = deps;
  const workspaces = new Workspaces({
    root: config.executor.workspaces,
    mirrors: config.workspace.mirrors ?? join(config.executor.workspaces, ".mirrors"),
    owner: { instance: deps.instance, pid: process.pid, host: hostname() },
  });
  const isAlive = async (owner: WorkspaceOwner): Promise<boolean> => {
    const local = ownerProcessAlive(owner);
    if (local === false) return false;
    const entry = await bus.kv.services.get(Keys.presence("executor", owner.instance));
    return local === true || entry?.operation === "PUT";
  };
  const isFinished = async (taskId: string): Promise<boolean | undefined> => {
    const found = await bus.tasks.get(taskId);
    return found ? isTerminal(found.record.state) : undefined;
  };
  let last: SweepReport | undefined;
  let sweeping: Promise<SweepReport> | undefined;
  const sweep = (): Promise<SweepReport> => {
    sweeping ??= sweepWorkspaces(workspaces, {
      ttlMs: config.workspace.ttl,
      active,
      isAlive,
      isFinished,
    })
      .then((report) => {
        last = report;
        if (report.removed.length > 0 || report.errors.length > 0)
          log.info(
            { removed: report.removed, errors: report.errors, unknown: report.unknown },
            "workspaces swept",
          );
        return report;
      })
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  };
  const tick = (): void => {
    sweep().catch((err: unknown) => log.warn({ err: coerceError(err) }, "workspace sweep failed"));
  };
  const timer = setInterval(tick, config.workspace.sweepInterval);
  timer.unref();
  // Two per slot: a slot takes its next one while the last one is still coming back.
  const spares = workspaces.keepSpares(2 * config.executor.slots);
  return {
    workspaces,
    sweep,
    lastSweep: () => last,
    stop: async () => {
      clearInterval(timer);
      await spares.close().catch(() => undefined);
    },
  };
}
