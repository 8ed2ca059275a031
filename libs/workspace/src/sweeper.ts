import { randomBytes } from "node:crypto";
import { readdir, rename, rm, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { TASK_ID_PATTERN } from "@nightshift/contracts";
import { coerceError } from "@nightshift/errors";
import { readMeta, type WorkspaceMeta, type WorkspaceOwner } from "./meta.ts";
import type { Workspaces } from "./workspaces.ts";

export interface SweepOptions {
  /** A workspace without a live owner is removed this long after its last activity. */
  ttlMs: number;
  /** Tasks whose attempts run in this process now. */
  active: () => ReadonlySet<string>;
  /** Whether another executor instance is still running. */
  isAlive: (owner: WorkspaceOwner) => Promise<boolean>;
  /** Whether a task has finished; undefined when that cannot be told (no record). */
  isFinished: (taskId: string) => Promise<boolean | undefined>;
  now?: () => number;
}

export interface SweepReport {
  removed: { taskId: string; reason: "finished" | "stale" }[];
  kept: number;
  /** Directories without an ownership record: never removed, only reported. */
  unknown: string[];
  errors: { name: string; message: string }[];
}

const TRASH = ".trash-";

/** True when `owner`'s process runs on this host; undefined when it lives elsewhere. */
export function ownerProcessAlive(owner: WorkspaceOwner): boolean | undefined {
  if (owner.host !== hostname()) return undefined;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sameRecord(a: WorkspaceMeta | undefined, b: WorkspaceMeta): boolean {
  return a?.updatedAt === b.updatedAt && a.owner?.instance === b.owner?.instance;
}

/**
 * Removes workspaces by ownership, never by guesswork: one whose task finished (and whose
 * owner is gone or released it), and one whose owner is gone and that saw no activity for
 * `ttlMs`. Workspaces of attempts running here, or owned by a live executor and younger
 * than the TTL, stay; directories without a record are reported, not touched. Removal
 * moves the directory aside first and checks the record did not change meanwhile (another
 * executor on this host taking it over), so a concurrent takeover is never deleted.
 */
export async function sweepWorkspaces(ws: Workspaces, opts: SweepOptions): Promise<SweepReport> {
  const report: SweepReport = { removed: [], kept: 0, unknown: [], errors: [] };
  const now = opts.now ?? Date.now;
  const names = await readdir(ws.root).catch(() => [] as string[]);
  for (const name of names) {
    try {
      if (name.startsWith(TRASH)) {
        await rm(join(ws.root, name), { recursive: true, force: true });
        continue;
      }
      // Other dot-names are nightshift's own (the default mirrors live in `.mirrors`).
      if (name.startsWith(".")) continue;
      const home = join(ws.root, name);
      const meta = TASK_ID_PATTERN.test(name) ? await readMeta(home) : undefined;
      if (meta?.taskId !== name) {
        if ((await stat(home)).isDirectory()) report.unknown.push(name);
        continue;
      }
      const reason = await ws.withTask(name, async () => {
        const current = await readMeta(home);
        if (!current) return undefined;
        const why = await verdict(ws, current, opts, now());
        if (why === undefined) return undefined;
        const trash = join(ws.root, `${TRASH}${name}-${randomBytes(4).toString("hex")}`);
        await rename(home, trash);
        if (!sameRecord(await readMeta(trash), current)) {
          await rename(trash, home).catch(() => undefined);
          return undefined;
        }
        await ws.removeLocked(trash);
        return why;
      });
      if (reason) report.removed.push({ taskId: name, reason });
      else report.kept++;
    } catch (err) {
      report.errors.push({ name, message: coerceError(err).message });
    }
  }
  await sweepMirrorLeftovers(ws, opts.ttlMs, now(), report);
  return report;
}

async function verdict(
  ws: Workspaces,
  meta: WorkspaceMeta,
  opts: SweepOptions,
  now: number,
): Promise<"finished" | "stale" | undefined> {
  const owner = meta.owner;
  let alive: boolean;
  if (owner === null) alive = false;
  else if (owner.instance === ws.owner.instance) alive = opts.active().has(meta.taskId);
  else alive = await opts.isAlive(owner);
  if (alive) return undefined;
  if ((await opts.isFinished(meta.taskId)) === true) return "finished";
  if (now - Date.parse(meta.updatedAt) > opts.ttlMs) return "stale";
  return undefined;
}

/** Half-made mirrors (`.tmp-*`) left by a crash during a clone, older than the TTL. */
async function sweepMirrorLeftovers(
  ws: Workspaces,
  ttlMs: number,
  now: number,
  report: SweepReport,
): Promise<void> {
  const root = ws.mirrors.root;
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!name.startsWith(".tmp-")) continue;
    try {
      const st = await stat(join(root, name));
      if (now - st.mtimeMs > ttlMs) await rm(join(root, name), { recursive: true, force: true });
    } catch (err) {
      report.errors.push({ name, message: coerceError(err).message });
    }
  }
}
