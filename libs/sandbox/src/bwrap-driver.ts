import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { bwrapArgs, SYSTEM_DIRS } from "./bwrap-args.ts";
import type { EgressProxy } from "./egress-proxy.ts";
import { proxyEnv } from "./proxy-env.ts";
import { identityFiles } from "./passwd.ts";
import { prlimitArgv, type ResourceLimits } from "./limits.ts";
import type { Spawner } from "./none-driver.ts";
import { groupMembers, spawnGroup } from "./process-group.ts";
import { takeTaskUser, type TaskUser } from "./task-user.ts";
import type { UidPool } from "./uid-pool.ts";
import type {
  SandboxDriver,
  SandboxOpenOptions,
  SandboxProcess,
  SpawnSpec,
  TaskSandbox,
} from "./types.ts";

/** The relay that runs inside a sandbox without network (strict egress). */
export const FORWARDER = fileURLToPath(new URL("../bin/egress-forwarder.mjs", import.meta.url));
/** Where the egress proxy's socket appears inside a strict sandbox. */
const SOCKET_INSIDE = "/run/nightshift-egress.sock";

export interface BwrapDriverOptions {
  /** Absolute path of `bwrap`. */
  bwrap: string;
  /** Absolute path of `prlimit`; needed when `limits` sets anything. */
  prlimit?: string | undefined;
  /**
   * One uid per task from this pool, entered with `setpriv` inside the sandbox (the
   * executor runs as root and bwrap sets up the mounts); absent: the executor's own user,
   * through an unprivileged user namespace.
   */
  users?: { pool: UidPool; firstUid: number; firstGid: number; setpriv: string } | undefined;
  limits: ResourceLimits;
  /** Host paths every agent sees read-only, beyond the system directories. */
  readOnly: readonly string[];
  /** Route traffic through this proxy; `strict` also takes the sandbox off the network. */
  egress?: { proxy: EgressProxy; strict: boolean } | undefined;
  systemDirs?: readonly string[];
  /** How processes are started (default: `spawnGroup` in this process). */
  spawner?: Spawner | undefined;
}

function commandName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/**
 * SIGKILL ends the whole sandbox. Other signals go to the agent's processes only: bwrap
 * dies of SIGTERM and takes the namespace with it, which would leave the agent no grace.
 */
function signalSandbox(proc: SandboxProcess, signal: NodeJS.Signals): void {
  if (signal === "SIGKILL" || proc.pid <= 0) return proc.killGroup(signal);
  const inside = groupMembers(proc.pid).filter((pid) => commandName(pid) !== "bwrap");
  if (inside.length === 0) return proc.killGroup(signal);
  for (const pid of inside) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}

function underSystemDir(path: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => path === d || path.startsWith(`${d}/`));
}

/**
 * bubblewrap sandboxes: read-only system, writable workspace and home only, private /tmp,
 * its own PID namespace (nothing outlives the sandbox), an unprivileged uid per task,
 * rlimits, and optionally egress only through the allowlisting proxy.
 */
export function bwrapDriver(opts: BwrapDriverOptions): SandboxDriver {
  const systemDirs = opts.systemDirs ?? SYSTEM_DIRS;
  const limits = prlimitArgv(opts.limits);
  if (limits.length > 0 && opts.prlimit === undefined)
    throw new Error("resource limits need prlimit (util-linux)");
  const limitArgv = limits.length > 0 ? [opts.prlimit!, ...limits.slice(1)] : [];
  const spawner: Spawner = opts.spawner ?? ((spec) => spawnGroup(spec));
  const strict = opts.egress?.strict === true ? opts.egress.proxy : undefined;
  if (strict !== undefined && strict.socketPath === undefined)
    throw new Error("strict egress needs the proxy on a unix socket");

  return {
    name: "bwrap",
    async open(o: SandboxOpenOptions): Promise<TaskSandbox> {
      const dirs = [o.workspace, o.home];
      let user: TaskUser | undefined;
      if (opts.users) user = await takeTaskUser(opts.users.pool, opts.users, dirs);
      const ids = user
        ? await identityFiles(user.uid, user.gid, o.home).catch(async (err: unknown) => {
            await user?.release();
            throw err;
          })
        : undefined;
      const env: Record<string, string> = opts.egress ? proxyEnv(opts.egress.proxy.url) : {};
      const spawn = (spec: SpawnSpec) => {
        const readOnly = [...opts.readOnly, ...(spec.readOnly ?? [])];
        let command = [...spec.argv];
        if (strict) {
          readOnly.push(dirname(FORWARDER), dirname(dirname(process.execPath)));
          command = [
            process.execPath,
            FORWARDER,
            SOCKET_INSIDE,
            String(strict.port),
            "--",
            ...command,
          ];
        }
        if (user && opts.users)
          command = [
            opts.users.setpriv,
            `--reuid=${user.uid}`,
            `--regid=${user.gid}`,
            "--clear-groups",
            "--no-new-privs",
            "--bounding-set=-all",
            "--inh-caps=-all",
            "--",
            ...command,
          ];
        const args = bwrapArgs({
          systemDirs,
          readOnly: [...new Set(readOnly)].filter((p) => !underSystemDir(p, systemDirs)),
          writable: dirs,
          mounts: strict ? [{ src: strict.socketPath!, dest: SOCKET_INSIDE }] : [],
          cwd: spec.cwd,
          passwd: ids?.passwd,
          group: ids?.group,
          unshareNet: strict !== undefined,
        });
        const proc = spawner({
          argv: [...limitArgv, opts.bwrap, ...args, "--", ...command],
          cwd: spec.cwd,
          env: spec.env,
          ...(spec.stdin !== undefined ? { stdin: spec.stdin } : {}),
        });
        // Delegating getters: a launcher's `pid` is only known once the process started.
        const sandboxed: SandboxProcess = {
          get pid() {
            return proc.pid;
          },
          started: proc.started,
          stdout: proc.stdout,
          stderr: proc.stderr,
          stdin: proc.stdin,
          exited: proc.exited,
          killGroup: (signal) => signalSandbox(proc, signal),
        };
        return sandboxed;
      };
      return {
        driver: "bwrap",
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
        env,
        spawn,
        async close() {
          try {
            await ids?.dispose();
          } finally {
            await user?.release();
          }
        },
      };
    },
    close: async () => {
      await opts.egress?.proxy.close();
    },
  };
}
