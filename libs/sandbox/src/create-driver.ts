import { spawnSync } from "node:child_process";
import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bwrapDriver } from "./bwrap-driver.ts";
import { startEgressProxy, type EgressProxy } from "./egress-proxy.ts";
import { resolveCommand } from "./expose-command.ts";
import type { ResourceLimits } from "./limits.ts";
import { noneDriver, type Spawner } from "./none-driver.ts";
import { SandboxError } from "./sandbox-error.ts";
import type { SandboxDriver } from "./types.ts";
import { UidPool } from "./uid-pool.ts";

/** The `sandbox:` section of the configuration, as the driver needs it. */
export interface SandboxSettings {
  driver: "auto" | "bwrap" | "none";
  /** First uid/gid of the agents' users (one per slot); used when the executor is root. */
  user: { uid: number; gid: number };
  limits: ResourceLimits;
  readOnly: readonly string[];
  egress?: { allow: readonly string[]; strict: boolean } | undefined;
}

export interface DriverContext {
  /** Tasks run at once: the size of the uid pool. */
  slots: number;
  /** PATH to find bwrap, prlimit and setpriv on. */
  pathEnv: string;
  /** Whether the executor runs as root (it then switches agents to their own uids). */
  root?: boolean;
  /** How processes are started (the executor's launcher; default `spawnGroup`). */
  spawner?: Spawner;
}

/** Why bubblewrap cannot run here, or undefined when it can. */
export function probeBwrap(bwrap: string | undefined): string | undefined {
  if (bwrap === undefined) return "bwrap is not installed (apt-get install bubblewrap)";
  const r = spawnSync(bwrap, ["--ro-bind", "/", "/", "--unshare-pid", "--", "true"], {
    encoding: "utf8",
    timeout: 10_000,
  });
  if (r.status === 0) return undefined;
  return `bwrap does not work here: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`;
}

async function proxyFor(egress: NonNullable<SandboxSettings["egress"]>): Promise<EgressProxy> {
  if (!egress.strict) return startEgressProxy({ allow: egress.allow });
  const dir = await mkdtemp(join(tmpdir(), "nightshift-egress-"));
  await chmod(dir, 0o755);
  const proxy = await startEgressProxy({
    allow: egress.allow,
    socketPath: join(dir, "proxy.sock"),
  });
  // Agents run as other users and must be able to connect.
  await chmod(proxy.socketPath!, 0o666);
  return proxy;
}

/** Builds the configured sandbox driver; `auto` takes bubblewrap when it works here. */
export async function createSandboxDriver(
  s: SandboxSettings,
  ctx: DriverContext,
): Promise<SandboxDriver> {
  const root = ctx.root ?? process.getuid?.() === 0;
  const bwrap = resolveCommand("bwrap", ctx.pathEnv);
  const prlimit = resolveCommand("prlimit", ctx.pathEnv);
  const setpriv = resolveCommand("setpriv", ctx.pathEnv);
  const problem = s.driver === "none" ? "not wanted" : probeBwrap(bwrap);
  if (s.driver === "bwrap" && problem !== undefined) throw new SandboxError(problem);
  const kind = problem === undefined ? "bwrap" : "none";
  if (s.limits.processes !== undefined && !root)
    throw new SandboxError(
      "sandbox.limits.processes needs the executor to run as root: agents then get a uid each, so the limit counts one task's processes",
    );
  if (s.egress?.strict === true && kind !== "bwrap")
    throw new SandboxError("sandbox.egress.strict needs the bwrap driver (a network namespace)");
  if (root && kind === "bwrap" && setpriv === undefined)
    throw new SandboxError("setpriv (util-linux) is needed to switch agents to their uid");
  const users = root
    ? {
        pool: new UidPool(s.user.uid, ctx.slots),
        firstUid: s.user.uid,
        firstGid: s.user.gid,
        setpriv: setpriv ?? "setpriv",
      }
    : undefined;
  const egress = s.egress ? await proxyFor(s.egress) : undefined;
  if (kind === "none")
    return noneDriver({ users, prlimit, limits: s.limits, egress, spawner: ctx.spawner });
  return bwrapDriver({
    bwrap: bwrap!,
    prlimit,
    users,
    limits: s.limits,
    readOnly: s.readOnly,
    egress: egress ? { proxy: egress, strict: s.egress?.strict === true } : undefined,
    spawner: ctx.spawner,
  });
}
