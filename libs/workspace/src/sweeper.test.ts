import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoKey } from "@nightshift/contracts";
import { git, makeTestRepo } from "@nightshift/testkit";
import { readMeta, writeMeta } from "./meta.ts";
import { ownerProcessAlive, sweepWorkspaces } from "./sweeper.ts";
import { tempWorkspaces } from "./test-fixtures.ts";
import { Workspaces } from "./workspaces.ts";

const HOUR = 3_600_000;

/** The pid of a process that has exited: an executor that crashed on this host. */
function deadPid(): number {
  const r = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

async function age(ws: Workspaces, taskId: string, ms: number): Promise<void> {
  const home = ws.homeOf(taskId);
  const meta = await readMeta(home);
  if (!meta) throw new Error(`no record for ${taskId}`);
  await writeMeta(home, { ...meta, updatedAt: new Date(Date.now() - ms).toISOString() });
}

describe("workspace sweeper", () => {
  it("removes finished and stale workspaces by ownership and leaves live ones", async () => {
    const me = await tempWorkspaces("executor-me");
    const other = (instance: string, pid: number) =>
      new Workspaces({
        root: me.root,
        mirrors: me.mirrors.root,
        owner: { instance, pid, host: hostname() },
      });
    const crashed = other("executor-crashed", deadPid());
    const alive = other("executor-alive", process.pid);
    const repo = await makeTestRepo();
    const r = { url: repo.origin, key: repoKey(repo.origin) };

    const running = await me.prepare({ taskId: "t-running-here", attempt: 1, repo: r });
    const finished = await me.prepare({ taskId: "t-finished", attempt: 1, repo: r });
    await me.settle(finished, "x");
    const released = await me.prepare({ taskId: "t-released", attempt: 1 });
    await me.release(released);
    await me.prepare({ taskId: "t-released-old", attempt: 1 }).then((w) => me.release(w));
    await crashed.prepare({ taskId: "t-crashed-young", attempt: 1 });
    await crashed.prepare({ taskId: "t-crashed-old", attempt: 1 });
    await alive.prepare({ taskId: "t-alive-old", attempt: 1 });
    await alive.prepare({ taskId: "t-alive-finished", attempt: 1 });
    for (const id of ["t-running-here", "t-released-old", "t-crashed-old", "t-alive-old"])
      await age(me, id, 3 * HOUR);
    mkdirSync(join(me.root, "not-ours"));
    mkdirSync(join(me.root, ".trash-t-x-1234"));

    const report = await sweepWorkspaces(me, {
      ttlMs: 2 * HOUR,
      active: () => new Set(["t-running-here"]),
      isAlive: (o) => Promise.resolve(o.instance === "executor-alive"),
      isFinished: (id) => Promise.resolve(id === "t-finished" || id === "t-alive-finished"),
    });
    expect(report.removed.sort((a, b) => a.taskId.localeCompare(b.taskId))).toEqual([
      { taskId: "t-crashed-old", reason: "stale" },
      { taskId: "t-finished", reason: "finished" },
      { taskId: "t-released-old", reason: "stale" },
    ]);
    expect(report.unknown).toEqual(["not-ours"]);
    expect(report.kept).toBe(5);
    expect(report.errors).toEqual([]);
    for (const id of ["t-running-here", "t-released", "t-crashed-young", "t-alive-old"])
      expect(existsSync(me.homeOf(id)), id).toBe(true);
    expect(existsSync(me.homeOf("t-alive-finished"))).toBe(true);
    expect(existsSync(me.homeOf("t-finished"))).toBe(false);
    expect(existsSync(join(me.root, "not-ours"))).toBe(true);
    expect(existsSync(join(me.root, ".trash-t-x-1234"))).toBe(false);
    // the shared mirror holds nothing of the tasks: their commits live in their own git dirs
    expect(await git(running.repo?.mirror ?? "", "for-each-ref", "refs/nightshift/")).toBe("");
    expect(ownerProcessAlive({ instance: "x", pid: process.pid, host: hostname() })).toBe(true);
    expect(ownerProcessAlive({ instance: "x", pid: deadPid(), host: hostname() })).toBe(false);
    expect(ownerProcessAlive({ instance: "x", pid: 1, host: "elsewhere" })).toBeUndefined();
  });
});
