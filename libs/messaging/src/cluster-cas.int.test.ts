import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { Buckets, type Task } from "@nightshift/contracts";
import { startTestCluster, type TestNatsCluster } from "@nightshift/testkit";
import { openBus, type Bus } from "./bus.ts";
import { connectNats } from "./connect.ts";
import { acquireLease } from "./lease.ts";
import { provision } from "./provision.ts";
import { newRecord } from "./task-store.ts";
import type { NatsConnection } from "@nats-io/transport-node";

let cluster: TestNatsCluster;
let nc: NatsConnection;
let bus: Bus;

beforeAll(async () => {
  cluster = await startTestCluster();
  nc = await connectNats({ servers: cluster.url, name: "test" });
  await provision(nc, parseConfig({ nats: { replicas: 3 } }, {}).config.nats);
  bus = await openBus(nc);
}, 60_000);
afterAll(async () => {
  await nc.close();
  await cluster.dispose();
});

const task: Task = {
  v: 1,
  id: "cas-task",
  createdAt: new Date().toISOString(),
  source: { kind: "cli", attributes: {} },
  kind: "adhoc",
  prompt: "x",
  limits: {},
  labels: {},
} as unknown as Task;

// Found by the fault suite: under contention a clustered server answers a failed
// compare-and-set with error 10164, not 10071, so on a 3-node cluster a busy lease was an
// error (the task backed off for up to a minute instead of waiting its turn), a lost lease
// did not stop the agent, and racing record updates failed instead of retrying. And two
// renewals of one lease at once (heartbeat, check before the push) lost it to itself.
describe("compare-and-set on an R3 cluster", () => {
  it("of many executors racing for one lease, one gets it and the others are refused", async () => {
    const others = await Promise.all(
      cluster.url.split(",").map((url) => connectNats({ servers: url, name: "racer" })),
    );
    try {
      const buses = await Promise.all(others.map((c) => openBus(c)));
      for (let round = 0; round < 10; round++) {
        const results = await Promise.all(
          buses.flatMap((b, i) =>
            [0, 1, 2].map((j) =>
              acquireLease(b.kv.leases, `repo.race-${round}`, {
                owner: `${i}-${j}`,
                taskId: "t",
                acquiredAt: new Date().toISOString(),
              }),
            ),
          ),
        );
        expect(results.filter((l) => l !== undefined)).toHaveLength(1);
      }
    } finally {
      await Promise.all(others.map((c) => c.close()));
    }
  });

  it("a second holder of a lease is refused, not failed", async () => {
    const holder = { owner: "a", taskId: "t1", acquiredAt: new Date().toISOString() };
    const first = await acquireLease(bus.kv.leases, "repo.cas", holder);
    expect(first).toBeDefined();
    await expect(acquireLease(bus.kv.leases, "repo.cas", { ...holder, owner: "b" })).resolves.toBe(
      undefined,
    );
    // Taken over behind its back, the first holder learns it from its renewal.
    await bus.kv.leases.delete("repo.cas");
    await bus.kv.leases.create("repo.cas", "other");
    await expect(first!.renew()).resolves.toBe(false);
  });

  it("renewals racing each other do not take the lease for lost", async () => {
    const lease = await acquireLease(bus.kv.leases, "repo.renew", {
      owner: "a",
      taskId: "t",
      acquiredAt: new Date().toISOString(),
    });
    expect(await Promise.all([lease!.renew(), lease!.renew(), lease!.renew()])).toEqual([
      true,
      true,
      true,
    ]);
    expect(await lease!.renew()).toBe(true);
    await lease!.release();
    expect((await bus.kv.leases.get("repo.renew"))?.operation).not.toBe("PUT");
  });

  it("creating an existing task record says so, and a stale update is retried", async () => {
    const record = newRecord(task);
    expect(await bus.tasks.create(record)).toBeGreaterThan(0);
    expect(await bus.tasks.create(record)).toBeUndefined();
    const stale = await bus.tasks.get(task.id);
    await bus.kv.tasks.put(task.id, JSON.stringify({ ...record, attempts: 5 }));
    const out = await bus.tasks.update(task.id, (r) => ({ ...r, attempts: r.attempts + 1 }), stale);
    expect(out?.record.attempts).toBe(6);
    expect(Buckets.tasks).toBe("tasks");
  });
});
