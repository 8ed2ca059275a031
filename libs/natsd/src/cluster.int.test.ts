import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findNatsServer } from "./find-binary.ts";
import { startNatsCluster, type NatsCluster } from "./cluster.ts";

let cluster: NatsCluster;
const dir = mkdtempSync(join(tmpdir(), "ns-cluster-"));

beforeAll(async () => {
  const bin = await findNatsServer({ env: process.env });
  cluster = await startNatsCluster({ bin: bin.path, dir, syncAlways: true });
});
afterAll(async () => {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("startNatsCluster", () => {
  it("elects a meta leader, and a new one when the leader is killed", async () => {
    expect(cluster.nodes).toHaveLength(3);
    expect(cluster.url.split(",")).toHaveLength(3);
    const first = await cluster.metaLeader();
    expect(first).toBeDefined();
    first?.signal("SIGKILL");
    await first?.exited();
    expect(first?.running()).toBe(false);
    await cluster.waitReady(30_000);
    const second = await cluster.metaLeader();
    expect(second).toBeDefined();
    expect(second?.name).not.toBe(first?.name);
    await first?.restart();
    expect(first?.running()).toBe(true);
    await cluster.waitReady(30_000);
    const views = await Promise.all(cluster.nodes.map(() => cluster.metaLeader()));
    expect(new Set(views.map((v) => v?.name)).size).toBe(1);
  }, 90_000);
});
