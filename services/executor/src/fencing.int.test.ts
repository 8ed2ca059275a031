// Regression tests for fencing gaps: a holder whose lease was taken over could still push
// (found while designing the fault suite), or start its agent (found by the fault suite: an
// executor paused between taking the lease and spawning the agent), and a second delivery
// of a running task rewrote its state, so the running attempt could not finish.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { submitTask, taskEvents } from "@nightshift/client";
import { parseConfig } from "@nightshift/config";
import {
  Keys,
  newTaskId,
  NO_REPO_KEY,
  Streams,
  Subjects,
  type TaskRecord,
} from "@nightshift/contracts";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import {
  applyTransition,
  connectNats,
  openBus,
  provision,
  publishTask,
  type Bus,
} from "@nightshift/messaging";
import { makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { executorService } from "./service.ts";

let nats: TestNats;
const running: InProcessServices[] = [];

beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats.dispose();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.forceStop()));
});

async function executor(nats: Record<string, string>): Promise<InProcessServices> {
  const svc = await startInProcess([executorService({ env: process.env })], {
    natsUrl: nats["url"] ?? "",
    config: {
      nats: { heartbeat: nats["heartbeat"], ackWait: nats["ackWait"], leaseTtl: nats["leaseTtl"] },
      executor: {
        slots: 2,
        workspaces: mkdtempSync(join(tmpdir(), "ns-ws-")),
        busyDelay: "200ms",
        retryDelay: "200ms",
        killGrace: "500ms",
      },
      backends: { shell: { type: "command", argv: ["sh", "-c", "{prompt}"] } },
    },
  });
  running.push(svc);
  return svc;
}

function terminal(svc: InProcessServices, id: string, timeoutMs = 20_000): Promise<TaskRecord> {
  return waitFor(
    async () => {
      const r = (await svc.bus.tasks.get(id))?.record;
      return r && ["succeeded", "failed", "blocked", "cancelled"].includes(r.state) ? r : undefined;
    },
    { timeoutMs, message: `task ${id} to finish` },
  );
}

describe("lease fencing", () => {
  it("gives the agent its task id, attempt and lease fence", async () => {
    const svc = await executor({
      url: nats.url,
      heartbeat: "300ms",
      ackWait: "2s",
      leaseTtl: "2s",
    });
    const repo = await makeTestRepo();
    const { task } = await submitTask(svc.bus, {
      prompt: 'echo "$NIGHTSHIFT_TASK_ID $NIGHTSHIFT_ATTEMPT $NIGHTSHIFT_LEASE_FENCE" > ENV.txt',
      repo: repo.origin,
      backend: "shell",
    });
    const rec = await terminal(svc, task.id);
    expect(rec.state).toBe("succeeded");
    const fence = rec.executor?.fence;
    expect(fence).toBeGreaterThan(0);
    expect(await repo.show(`nightshift/${task.id}`, "ENV.txt")).toBe(`${task.id} 1 ${fence}`);
  });

  it("does not push when its lease was taken over while the agent ran", async () => {
    // Renewals are rare here, so the agent finishes before the executor notices the
    // takeover by a renewal: only a check right before the push can stop it.
    const svc = await executor({ url: nats.url, heartbeat: "3s", ackWait: "6s", leaseTtl: "9s" });
    const repo = await makeTestRepo();
    const { task } = await submitTask(svc.bus, {
      prompt: "sleep 1; echo work > WORK.txt",
      repo: repo.origin,
      backend: "shell",
    });
    const started = await waitFor(async () => {
      const r = (await svc.bus.tasks.get(task.id))?.record;
      return r?.state === "running" ? r : undefined;
    });
    // The lease expires and another holder takes it (as after a long pause of this executor).
    const key = Keys.repoLease(task.repo!.key);
    await svc.bus.kv.leases.delete(key);
    const thief = await svc.bus.kv.leases.create(
      key,
      JSON.stringify({ owner: "other", taskId: "x" }),
    );
    expect(thief).toBeGreaterThan(started.executor?.fence ?? 0);
    // The agent finishes and the attempt ends: nothing may have been pushed meanwhile.
    const runningTasks = async (): Promise<number> => {
      const status = (await svc.services[0]?.component.status?.()) as { running: unknown[] };
      return status.running.length;
    };
    await waitFor(async () => (await runningTasks()) === 0, {
      timeoutMs: 10_000,
      message: "the attempt to end",
    });
    expect(await repo.branches()).not.toContain(`nightshift/${task.id}`);
    expect((await svc.bus.tasks.get(task.id))?.record.state).toBe("running");
    // Once the other holder lets go, the redelivered task runs again and pushes once.
    await svc.bus.kv.leases.delete(key, { previousSeq: thief });
    const rec = await terminal(svc, task.id, 30_000);
    expect(rec.state).toBe("succeeded");
    expect(rec.attempts).toBe(2);
    expect(await repo.log(`nightshift/${task.id}`)).toHaveLength(2);
  }, 60_000);

  it("does not start the agent when its lease was taken over while the workspace was made", async () => {
    const svc = await executor({ url: nats.url, heartbeat: "3s", ackWait: "6s", leaseTtl: "9s" });
    // A big repository: the clone takes long enough to take the lease away meanwhile.
    const repo = await makeTestRepo({ "big.bin": randomBytes(24 << 20).toString("base64") });
    const marker = join(mkdtempSync(join(tmpdir(), "ns-marker-")), "agent-ran");
    const { task } = await submitTask(svc.bus, {
      prompt: `touch ${marker}`,
      repo: repo.origin,
      backend: "shell",
    });
    const runningIds = async (): Promise<string[]> =>
      (
        (await svc.services[0]?.component.status?.()) as { running: { taskId: string }[] }
      ).running.map((r) => r.taskId);
    await waitFor(async () => (await runningIds()).includes(task.id), { intervalMs: 5 });
    const key = Keys.repoLease(task.repo!.key);
    await svc.bus.kv.leases.delete(key);
    await svc.bus.kv.leases.create(key, JSON.stringify({ owner: "other", taskId: "x" }));
    await waitFor(async () => (await runningIds()).length === 0, {
      timeoutMs: 20_000,
      message: "the attempt to end",
    });
    expect(existsSync(marker)).toBe(false);
  }, 60_000);
});

describe("a second delivery of a running task", () => {
  it("leaves the running attempt alone and is settled without running again", async () => {
    const svc = await executor({
      url: nats.url,
      heartbeat: "300ms",
      ackWait: "5s",
      leaseTtl: "2s",
    });
    const repo = await makeTestRepo();
    const { task } = await submitTask(svc.bus, {
      prompt: "sleep 2; echo once >> ONCE.txt",
      repo: repo.origin,
      backend: "shell",
    });
    await waitFor(async () => (await svc.bus.tasks.get(task.id))?.record.state === "running");
    // A producer publishes the same task again outside the dedupe window's reach.
    await svc.bus.js.publish(Subjects.taskRun(task.repo!.key), JSON.stringify(task), {
      msgID: `again:${task.id}`,
    });
    const rec = await terminal(svc, task.id);
    expect(rec.state).toBe("succeeded");
    expect(rec.attempts).toBe(1);
    expect(rec.transitions.map((t) => t.state)).toEqual(["queued", "running", "succeeded"]);
    expect(await repo.show(`nightshift/${task.id}`, "ONCE.txt")).toBe("once");
    await waitFor(
      async () => (await svc.bus.jsm.streams.info(Streams.tasks)).state.messages === 0,
      { timeoutMs: 15_000, message: "both messages to be settled" },
    );
  }, 60_000);
});

describe("a copy of a running task without a repository", () => {
  // No repository, so no lease tells a live attempt from a dead one: the record's message
  // sequence does. Before, the copy started a second attempt beside the first.
  it("is acknowledged without running the task again", async () => {
    const svc = await executor({ url: nats.url, heartbeat: "300ms", ackWait: "5s" });
    const { task } = await submitTask(svc.bus, { prompt: "sleep 2; echo ran", backend: "shell" });
    await waitFor(async () => (await svc.bus.tasks.get(task.id))?.record.state === "running");
    await svc.bus.js.publish(Subjects.taskRun(NO_REPO_KEY), JSON.stringify(task), {
      msgID: `again:${task.id}`,
    });
    const rec = await terminal(svc, task.id);
    expect(rec.state).toBe("succeeded");
    expect(rec.attempts).toBe(1);
    expect(rec.transitions.map((t) => t.state)).toEqual(["queued", "running", "succeeded"]);
    await waitFor(
      async () => (await svc.bus.jsm.streams.info(Streams.tasks)).state.messages === 0,
      { timeoutMs: 15_000, message: "both messages to be settled" },
    );
    const agentRuns: string[] = [];
    for await (const e of taskEvents(svc.bus, task.id, { follow: false }))
      if (e.event.type === "agent" && e.event.phase === "spawned") agentRuns.push(e.event.backend);
    expect(agentRuns).toEqual(["shell"]);
  }, 30_000);
});

// The executor writes a fresh task's first transition on the record its producer says it
// made, without reading it; these records changed in between, so that write must fail and
// the executor decide again from the record as it is.
describe("a task whose record changed after it was published", () => {
  async function producer(): Promise<{ bus: Bus; close: () => Promise<void> }> {
    const nc = await connectNats({ servers: nats.url, name: "producer" });
    await provision(nc, parseConfig({}, {}).config.nats);
    return { bus: await openBus(nc), close: () => nc.close() };
  }

  it("is not run when it was cancelled meanwhile", async () => {
    const p = await producer();
    const marker = join(mkdtempSync(join(tmpdir(), "ns-marker-")), "agent-ran");
    const { task } = await publishTask(p.bus, {
      v: 1,
      id: newTaskId(),
      createdAt: new Date().toISOString(),
      source: { kind: "cli" },
      prompt: `touch ${marker}`,
      backend: "shell",
      limits: {},
    });
    await p.bus.tasks.transition(task.id, "cancelled", { reason: "cancelled" });
    await p.close();
    const svc = await executor({ url: nats.url });
    await waitFor(
      async () => (await svc.bus.jsm.streams.info(Streams.tasks)).state.messages === 0,
      { timeoutMs: 15_000, message: "the message to be settled" },
    );
    const rec = (await svc.bus.tasks.get(task.id))?.record;
    expect(rec?.state).toBe("cancelled");
    expect(rec?.attempts).toBe(0);
    expect(existsSync(marker)).toBe(false);
  }, 30_000);

  it("runs once, counted from the record as it is", async () => {
    const p = await producer();
    const { task } = await publishTask(p.bus, {
      v: 1,
      id: newTaskId(),
      createdAt: new Date().toISOString(),
      source: { kind: "cli" },
      prompt: "echo ran",
      backend: "shell",
      limits: {},
    });
    // an earlier attempt elsewhere, given back before this delivery
    await p.bus.tasks.update(task.id, (r) =>
      applyTransition(applyTransition(r, "running", { patch: (n) => (n.attempts = 1) }), "queued", {
        reason: "interrupted",
      }),
    );
    await p.close();
    const svc = await executor({ url: nats.url });
    const rec = await terminal(svc, task.id);
    expect(rec.state).toBe("succeeded");
    expect(rec.attempts).toBe(2);
    expect(rec.transitions.map((t) => t.state)).toEqual([
      "queued",
      "running",
      "queued",
      "running",
      "succeeded",
    ]);
  }, 30_000);
});
