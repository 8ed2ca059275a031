import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { SandboxProcess, SpawnSpec } from "./types.ts";

/** Environment variable that marks every process an agent starts, even ones that leave its group. */
export const PROCESS_TAG = "NIGHTSHIFT_PROCESS_TAG";

/** At most this many PIDs are probed one by one; beyond that /proc is listed instead. */
const PROBE_LIMIT = 512;

/**
 * Numeric /proc entries, optionally only those newer than `after`: processes an agent
 * starts get higher PIDs than the agent itself unless the PID space wrapped meanwhile.
 * A short range of newer PIDs is probed one by one (a stat each, where listing /proc
 * walks every process on the machine).
 */
function procEntries(after = 0): string[] {
  const last = after > 0 ? lastPid() : undefined;
  if (last !== undefined && last >= after && last - after <= PROBE_LIMIT) {
    const out: string[] = [];
    for (let pid = after + 1; pid <= last; pid++)
      if (existsSync(`/proc/${pid}`)) out.push(String(pid));
    return out;
  }
  let all: string[];
  try {
    all = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  // every PID when the PID space wrapped since `after` (or the last one is unknown)
  if (after <= 0 || last === undefined || last < after) return all;
  return all.filter((e) => Number(e) > after);
}

/** The most recently assigned PID (the fifth field of /proc/loadavg). */
function lastPid(): number | undefined {
  try {
    const last = Number(readFileSync("/proc/loadavg", "utf8").trim().split(/\s+/)[4]);
    return Number.isFinite(last) ? last : undefined;
  } catch {
    return undefined;
  }
}

/** State and process group of one /proc entry; undefined when it is gone. */
function probe(entry: string): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ", 3);
    // fields after the command: state ppid pgrp ...
    return { state: rest[0] ?? "", pgrp: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

function hasTag(entry: string, needle: string): boolean {
  try {
    return readFileSync(`/proc/${entry}/environ`, "utf8").includes(needle);
  } catch {
    // exited meanwhile, or not ours to read
    return false;
  }
}

/** PIDs of live (non-zombie) processes in process group `pgid`, read from /proc. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const e of procEntries()) {
    const p = probe(e);
    if (p && p.state !== "Z" && p.pgrp === pgid) out.push(Number(e));
  }
  return out;
}

/**
 * PIDs of live processes carrying `tag` in their environment (they escaped the group with
 * setsid). `after` limits the scan to PIDs above the agent's own.
 */
export function taggedProcesses(tag: string, after = 0): number[] {
  const needle = `${PROCESS_TAG}=${tag}\0`;
  const out: number[] = [];
  for (const e of procEntries(after)) {
    if (!hasTag(e, needle)) continue;
    const p = probe(e);
    if (p && p.state !== "Z") out.push(Number(e));
  }
  return out;
}

/**
 * Everything left of an agent: members of its group and tagged processes that left it.
 * Both are newer than the agent's leader `pgid` (a session's group only takes its own
 * descendants), so one pass over the newer PIDs finds them; no exception is raised when
 * there is nothing left, the usual case.
 */
function leftovers(pgid: number, tag: string): number[] {
  if (pgid <= 0) return [];
  const needle = `${PROCESS_TAG}=${tag}\0`;
  const out: number[] = [];
  for (const e of procEntries(pgid)) {
    const p = probe(e);
    if (p === undefined || p.state === "Z") continue;
    if (p.pgrp === pgid || hasTag(e, needle)) out.push(Number(e));
  }
  return out;
}

/** Signals an agent's process group and every tagged process that left it. */
export function signalTree(pgid: number, tag: string, signal: NodeJS.Signals): void {
  if (pgid <= 0) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // group already gone
  }
  for (const pid of taggedProcesses(tag, pgid)) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

/**
 * After an agent's leader exited: ends whatever it left running (SIGTERM, then SIGKILL
 * after `graceMs`) and resolves when nothing is left.
 */
export async function reapLeftovers(pgid: number, tag: string, graceMs: number): Promise<void> {
  if (leftovers(pgid, tag).length === 0) return;
  signalTree(pgid, tag, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (leftovers(pgid, tag).length > 0) {
    if (Date.now() > deadline) signalTree(pgid, tag, "SIGKILL");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Spawns `argv` in this process as the leader of a new process group. Every descendant
 * carries a tag in its environment, so processes that left the group (setsid, double
 * fork) are found too. `exited` resolves when the leader has exited and nothing it
 * started is left.
 */
export function spawnGroup(spec: SpawnSpec, leftoverGraceMs = 2_000): SandboxProcess {
  const [cmd, ...args] = spec.argv;
  if (cmd === undefined) throw new Error("empty argv");
  const tag = randomUUID();
  const child = spawn(cmd, args, {
    cwd: spec.cwd,
    env: { ...spec.env, [PROCESS_TAG]: tag },
    detached: true,
    stdio: [spec.stdin === true ? "pipe" : "ignore", "pipe", "pipe"],
    ...(spec.uid !== undefined ? { uid: spec.uid } : {}),
    ...(spec.gid !== undefined ? { gid: spec.gid } : {}),
  });
  const pgid = child.pid ?? -1;
  const started = new Promise<{ pid: number; at: number }>((resolve) => {
    child.once("spawn", () =>
      resolve({ pid: pgid, at: performance.timeOrigin + performance.now() }),
    );
    child.once("error", () => resolve({ pid: -1, at: performance.timeOrigin + performance.now() }));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      void reapLeftovers(pgid, tag, leftoverGraceMs).then(() => resolve({ code, signal }));
    };
    child.once("exit", finish);
    child.once("error", (err) => {
      child.stderr?.emit("data", Buffer.from(`${err.message}\n`));
      finish(127, null);
    });
  });
  return {
    pid: pgid,
    started,
    stdout: child.stdout!,
    stderr: child.stderr!,
    stdin: child.stdin,
    exited,
    killGroup: (signal) => signalTree(pgid, tag, signal),
  };
}
