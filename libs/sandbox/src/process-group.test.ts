import { describe, expect, it } from "vitest";
import { groupMembers, spawnGroup } from "./process-group.ts";
import { terminate } from "./kill-tree.ts";
import { processesMatching } from "@nightshift/testkit";

const env = { PATH: process.env["PATH"] ?? "/usr/bin:/bin" };

describe("process groups", () => {
  it("kills a detached grandchild along with the agent", async () => {
    const marker = `ns-grandchild-${Date.now()}`;
    const proc = spawnGroup({
      argv: ["sh", "-c", `(sleep 300; echo ${marker}) & echo started; sleep 300`],
      cwd: "/tmp",
      env,
    });
    await new Promise<void>((r) => proc.stdout.once("data", () => r()));
    expect(groupMembers(proc.pid).length).toBeGreaterThanOrEqual(2);
    await terminate(proc, 2_000);
    expect(groupMembers(proc.pid)).toEqual([]);
  });

  it("finds and ends processes that left the group with setsid once the agent exits", async () => {
    const marker = `ns-setsid-${Date.now()}`;
    const proc = spawnGroup(
      { argv: ["sh", "-c", `setsid sh -c 'sleep 300 # ${marker}' & echo bye`], cwd: "/tmp", env },
      300,
    );
    const r = await proc.exited;
    expect(r.code).toBe(0);
    expect(processesMatching(marker)).toEqual([]);
  });

  it("escalates to SIGKILL when SIGTERM is ignored", async () => {
    const proc = spawnGroup({
      argv: ["sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"],
      cwd: "/tmp",
      env,
    });
    await new Promise<void>((r) => proc.stdout.once("data", () => r()));
    const t0 = Date.now();
    await terminate(proc, 300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(groupMembers(proc.pid)).toEqual([]);
  });

  it("reports a missing program as exit 127", async () => {
    const proc = spawnGroup({ argv: ["/nonexistent/agent"], cwd: "/tmp", env });
    const r = await proc.exited;
    expect(r.code === 127 || r.code === -2).toBe(true);
  });
});
