import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DlqHeaders, Streams, Consumers, newTaskId, Subjects } from "@nightshift/contracts";
import { parseConfig } from "@nightshift/config";
import { AckPolicy } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { waitFor } from "@nightshift/testkit";
import { busFixture, type BusFixture } from "./fixture.int.ts";
import { provision } from "./provision.ts";
import { settle } from "./settle.ts";
import { acquireLease } from "./lease.ts";
import { publishTask } from "./publish-task.ts";

let f: BusFixture;
beforeAll(async () => {
  f = await busFixture({ leaseTtl: "3s", heartbeat: "1s", ackWait: "3s" });
});
afterAll(async () => {
  await f.close();
});

async function consumerFor(subject: string) {
  const name = `c${Math.random().toString(36).slice(2, 8)}`;
  await f.bus.jsm.consumers.add(Streams.outbox, {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    filter_subject: subject,
    ack_wait: 30_000_000_000,
  });
  return f.bus.js.consumers.get(Streams.outbox, name);
}

describe("provisioning", () => {
  it("is idempotent and applies changed settings", async () => {
    const { config } = parseConfig(
      { nats: { ackWait: "2m", heartbeat: "1s", leaseTtl: "3s" } },
      {},
    );
    await provision(f.bus.nc, config.nats);
    await provision(f.bus.nc, config.nats);
    const info = await f.bus.jsm.consumers.info(Streams.tasks, Consumers.executor);
    expect(info.config.ack_wait).toBe(120_000_000_000);
    const streams = (await f.bus.jsm.streams.names().next()).sort();
    expect(streams).toEqual(
      expect.arrayContaining([
        "DLQ",
        "EVENTS",
        "OUTBOX",
        "TASKS",
        "KV_tasks",
        "KV_leases",
        "OBJ_artifacts",
      ]),
    );
  });
});

describe("settle", () => {
  it("acks, naks with delay, and dead-letters before terminating", async () => {
    const subject = `outbox.settle-${Date.now()}`;
    const c = await consumerFor(subject);
    await f.bus.js.publish(subject, "one");
    const m1 = await c.next({ expires: 2000 });
    expect(m1).not.toBeNull();
    const r1 = await settle(
      m1!,
      { kind: "retry", delayMs: 300, reason: "busy" },
      { js: f.bus.js, dlqSubject: () => "dlq.test.x" },
    );
    expect(r1.verb).toBe("nak");
    const t0 = Date.now();
    const m2 = await c.next({ expires: 3000 });
    expect(m2?.info.deliveryCount).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    const r2 = await settle(
      m2!,
      { kind: "dead", reason: "invalid-payload", detail: "line1\nline2" },
      {
        js: f.bus.js,
        dlqSubject: () => "dlq.test.x",
        taskId: "abc",
      },
    );
    expect(r2.verb).toBe("term");
    const dlq = await f.bus.jsm.streams.getMessage(Streams.dlq, { last_by_subj: "dlq.test.x" });
    expect(dlq?.string()).toBe("one");
    expect(dlq?.header.get(DlqHeaders.reason)).toBe("invalid-payload");
    expect(dlq?.header.get(DlqHeaders.detail)).toBe("line1 line2");
    expect(dlq?.header.get(DlqHeaders.origSubject)).toBe(subject);
    expect(dlq?.header.get(DlqHeaders.taskId)).toBe("abc");
    expect(await c.next({ expires: 1000 })).toBeNull();
  });

  it("turns a retry past maxDeliveries into a dead letter", async () => {
    const subject = `outbox.maxdel-${Date.now()}`;
    const c = await consumerFor(subject);
    await f.bus.js.publish(subject, "two");
    const m = await c.next({ expires: 2000 });
    const r = await settle(
      m!,
      { kind: "retry", delayMs: 0, reason: "boom" },
      {
        js: f.bus.js,
        dlqSubject: () => "dlq.test.maxdel",
        maxDeliveries: 1,
      },
    );
    expect(r.verb).toBe("term");
    expect(r.outcome).toMatchObject({ kind: "dead", reason: "max-deliveries" });
    const dlq = await f.bus.jsm.streams.getMessage(Streams.dlq, {
      last_by_subj: "dlq.test.maxdel",
    });
    expect(dlq?.header.get(DlqHeaders.detail)).toContain("boom");
  });
});

describe("leases", () => {
  it("excludes a second holder, fences a zombie and expires by bucket TTL", async () => {
    const key = `repo.test-${Date.now()}`;
    const a = await acquireLease(f.bus.kv.leases, key, {
      owner: "a",
      taskId: "t1",
      acquiredAt: "",
    });
    expect(a).toBeDefined();
    expect(
      await acquireLease(f.bus.kv.leases, key, { owner: "b", taskId: "t2", acquiredAt: "" }),
    ).toBeUndefined();
    expect(await a!.renew()).toBe(true);
    expect(a!.fence()).toBeGreaterThan(a!.acquiredFence);
    // a stops renewing (a paused holder); the bucket TTL frees the key
    const b = await waitFor(
      () => acquireLease(f.bus.kv.leases, key, { owner: "b", taskId: "t2", acquiredAt: "" }),
      { timeoutMs: 8000, intervalMs: 200, message: "the lease to expire" },
    );
    expect(b.acquiredFence).toBeGreaterThan(a!.fence());
    // the zombie wakes up: its renewal is refused and its release leaves b's lease alone
    expect(await a!.renew()).toBe(false);
    await a!.release();
    expect(await b.renew()).toBe(true);
    await b.release();
    expect(
      await acquireLease(f.bus.kv.leases, key, { owner: "c", taskId: "t3", acquiredAt: "" }),
    ).toBeDefined();
  });

  it("bucket ttl follows the config on re-provisioning", async () => {
    const kv = await new Kvm(f.bus.nc).open("leases");
    expect((await kv.status()).ttl).toBe(3000);
    const { config } = parseConfig(
      { nats: { leaseTtl: "5s", heartbeat: "1s", ackWait: "3s" } },
      {},
    );
    await provision(f.bus.nc, config.nats);
    expect((await kv.status()).ttl).toBe(5000);
  });
});

describe("task store and publishTask", () => {
  it("publishes once per task id and moves records through the state machine by CAS", async () => {
    const id = newTaskId();
    const task = {
      v: 1 as const,
      id,
      createdAt: new Date().toISOString(),
      source: { kind: "cli" as const },
      prompt: "hi",
    };
    const first = await publishTask(f.bus, task);
    const second = await publishTask(f.bus, task);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    const info = await f.bus.jsm.streams.info(Streams.tasks, {
      subjects_filter: Subjects.taskRun("none"),
    });
    expect(info.state.subjects?.[Subjects.taskRun("none")]).toBe(1);
    const running = await f.bus.tasks.transition(id, "running", {
      patch: (r) => void (r.attempts = 1),
    });
    expect(running?.record.state).toBe("running");
    await expect(f.bus.tasks.transition(id, "queued", { redrive: true })).rejects.toThrow(
      /cannot go from running to queued/,
    );
    const done = await f.bus.tasks.transition(id, "succeeded");
    expect(done?.record.finishedAt).toBeDefined();
    expect(done?.record.transitions.map((t) => t.state)).toEqual([
      "queued",
      "running",
      "succeeded",
    ]);
    // concurrent updates all land
    await Promise.all(
      Array.from({ length: 10 }, () =>
        f.bus.tasks.update(id, (r) => ({ ...r, usage: { ...r.usage, turns: r.usage.turns + 1 } })),
      ),
    );
    expect((await f.bus.tasks.get(id))?.record.usage.turns).toBe(10);
  });

  it("rejects an invalid task with every problem", async () => {
    await expect(
      publishTask(f.bus, {
        v: 1,
        id: "X",
        createdAt: "now",
        source: { kind: "cli" },
        prompt: "",
      } as never),
    ).rejects.toThrow(/id: .*createdAt: .*prompt: /);
  });
});
