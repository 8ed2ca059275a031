import { lstatSync, readlinkSync } from "node:fs";

/** Host directories an agent sees read-only: programs, libraries and configuration. */
export const SYSTEM_DIRS = [
  "/usr",
  "/bin",
  "/sbin",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/etc",
  "/run/systemd/resolve",
];

export interface BwrapLayout {
  /** System directories to show read-only (links such as `/bin -> usr/bin` are recreated). */
  systemDirs: readonly string[];
  /** Extra host paths shown read-only. */
  readOnly: readonly string[];
  /** Host paths the agent may write (workspace, home), at the same place inside. */
  writable: readonly string[];
  /** Host paths bound writable at another place inside (the egress proxy's socket). */
  mounts?: readonly { src: string; dest: string }[];
  cwd: string;
  /** Replacement `/etc/passwd` and `/etc/group`. */
  passwd?: string | undefined;
  group?: string | undefined;
  /** No network but loopback (egress then goes through a forwarded proxy socket). */
  unshareNet: boolean;
}

type Kind = "dir" | "file" | { link: string } | undefined;

function kindOf(path: string): Kind {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return { link: readlinkSync(path) };
    return st.isDirectory() ? "dir" : "file";
  } catch {
    return undefined;
  }
}

function ancestors(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return parts.slice(0, -1).map((_, i) => `/${parts.slice(0, i + 1).join("/")}`);
}

/**
 * Directories leading to the bound paths, created world-searchable: bwrap would create them
 * accessible to root only, and the agent's user could not reach its own workspace.
 */
function parentDirs(paths: readonly string[], existing: readonly string[]): string[] {
  const covered = (p: string) => existing.some((d) => p === d || p.startsWith(`${d}/`));
  const out = new Set<string>();
  for (const p of paths) for (const a of ancestors(p)) if (!covered(a)) out.add(a);
  return [...out].sort((x, y) => x.length - y.length);
}

/**
 * bubblewrap arguments for a sandbox: a fresh root with the system read-only, private
 * /tmp, /proc and /dev, its own PID, IPC and UTS namespaces, only the task's directories
 * writable, and the whole tree killed when the executor goes away.
 */
export function bwrapArgs(layout: BwrapLayout, kind: (p: string) => Kind = kindOf): string[] {
  const a = [
    "--die-with-parent",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--hostname",
    "nightshift",
  ];
  if (layout.unshareNet) a.push("--unshare-net");
  for (const dir of layout.systemDirs) {
    const k = kind(dir);
    if (k === undefined) continue;
    if (typeof k === "object") a.push("--symlink", k.link, dir);
    else a.push("--ro-bind", dir, dir);
  }
  if (layout.passwd) a.push("--ro-bind", layout.passwd, "/etc/passwd");
  if (layout.group) a.push("--ro-bind", layout.group, "/etc/group");
  a.push("--proc", "/proc", "--dev", "/dev");
  a.push("--perms", "1777", "--tmpfs", "/tmp", "--perms", "0755", "--dir", "/var");
  a.push("--perms", "1777", "--tmpfs", "/var/tmp");
  const mounts = layout.mounts ?? [];
  const targets = [...layout.readOnly, ...layout.writable, ...mounts.map((m) => m.dest)];
  for (const d of parentDirs(targets, layout.systemDirs))
    if (d !== "/tmp" && d !== "/var" && d !== "/var/tmp") a.push("--perms", "0755", "--dir", d);
  for (const p of layout.readOnly) if (kind(p) !== undefined) a.push("--ro-bind", p, p);
  for (const p of layout.writable) a.push("--bind", p, p);
  for (const m of mounts) a.push("--bind", m.src, m.dest);
  a.push("--chdir", layout.cwd);
  return a;
}
