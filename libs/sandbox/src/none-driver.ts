import type { EgressProxy } from "./egress-proxy.ts";
import { prlimitArgv, type ResourceLimits } from "./limits.ts";
import { assertReachable } from "./reachable.ts";
import { spawnGroup } from "./process-group.ts";
import { proxyEnv } from "./proxy-env.ts";
import { copyWorkspace } from "./read-only.ts";
import { takeTaskUser, type TaskUser } from "./task-user.ts";
import type { UidPool } from "./uid-pool.ts";
import type { Sandbox, SandboxDriver, SandboxProcess, SpawnSpec, TaskSandbox } from "./types.ts";

/** Starts a process group: `spawnGroup` in this process, or a launcher's `spawn`. */
export type Spawner = (spec: SpawnSpec) => SandboxProcess;

/**
 * No isolation beyond a process group and a scrubbed environment: for Kubernetes pods,
 * where the pod's securityContext and NetworkPolicy are the sandbox.
 */
export function noneSandbox(spawner: Spawner = (spec) => spawnGroup(spec)): Sandbox {
  return { driver: "none", spawn: spawner };
}

export interface NoneDriverOptions {
  /** Switch to one uid per task (the executor runs as root). */
  users?: { pool: UidPool; firstUid: number; firstGid: number } | undefined;
  /** Absolute path of `prlimit`; needed when `limits` sets anything. */
  prlimit?: string | undefined;
  limits: ResourceLimits;
  /** Agents get proxy variables for this proxy (advisory: nothing stops direct traffic). */
  egress?: EgressProxy | undefined;
  /** How processes are started (default: `spawnGroup` in this process). */
  spawner?: Spawner | undefined;
}

/** The `none` driver: same user handling, limits and proxy variables, no filesystem view. */
export function noneDriver(opts: NoneDriverOptions = { limits: {} }): SandboxDriver {
  const limits = prlimitArgv(opts.limits);
  if (limits.length > 0 && opts.prlimit === undefined)
    throw new Error("resource limits need prlimit (util-linux)");
  const limitArgv = limits.length > 0 ? [opts.prlimit!, ...limits.slice(1)] : [];
  const spawner: Spawner = opts.spawner ?? ((spec) => spawnGroup(spec));
  return {
    name: "none",
    async open(o): Promise<TaskSandbox> {
      const copy = o.readOnly
        ? await copyWorkspace(o.workspace, o.readOnly.output, opts.users === undefined)
        : undefined;
      const workspace = copy?.dir ?? o.workspace;
      let user: TaskUser | undefined;
      try {
        if (opts.users) {
          // A read-only agent owns only its folder in the copy; the rest stays the executor's.
          const dirs = copy ? [copy.output, o.home] : [o.workspace, o.home];
          user = await takeTaskUser(opts.users.pool, opts.users, dirs);
          assertReachable(workspace, user.uid, user.gid);
          assertReachable(o.home, user.uid, user.gid);
        }
      } catch (err) {
        await user?.release();
        await copy?.remove();
        throw err;
      }
      return {
        driver: "none",
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
        env: opts.egress ? proxyEnv(opts.egress.url) : {},
        workspace,
        ...(copy ? { output: copy.output } : {}),
        spawn: (spec) =>
          spawner({
            argv: [...limitArgv, ...spec.argv],
            cwd: spec.cwd,
            env: spec.env,
            ...(spec.stdin !== undefined ? { stdin: spec.stdin } : {}),
            ...(user ? { uid: user.uid, gid: user.gid } : {}),
          }),
        close: async () => {
          try {
            await user?.release();
          } finally {
            await copy?.remove();
          }
        },
      };
    },
    close: async () => {
      await opts.egress?.close();
    },
  };
}
