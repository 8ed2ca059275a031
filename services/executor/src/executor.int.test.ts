import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cancelTask, submitTask } from "@nightshift/client";
import { DlqHeaders, Streams, Subjects, type TaskRecord } from "@nightshift/contracts";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import {
  makeTestRepo,
  processesMatching,
  startTestNats,
  waitFor,
  type TestNats,
} from "@nightshift/testkit";
import { connectNats, openBus } from "@nightshift/messaging";
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

async function executor(extra: Record<string, unknown> = {}): Promise<InProcessServices> {
  const svc = await startInProcess([executorService({ env: process.env })], {
    natsUrl: nats.url,
    config: {
      nats: { heartbeat: "300ms", ackWait: "2s", leaseTtl: "2s" },
      executor: {
        slots: 2,
        workspaces: mkdtempSync(join(tmpdir(), "ns-ws-")),
        busyDelay: "200ms",
        retryDelay: "200ms",
        killGrace: "500ms",
        ...extra,
      },
      backends: {
        shell: { type: "command", argv: ["sh", "-c", "{prompt}"] },
        stdin: { type: "command", argv: ["sh", "-c", "cat > PROMPT.md"], prompt: "stdin" },
      },
    },
  });
  running.push(svc);
  return svc;
}

async function clientBus() {
  const nc = await connectNats({ servers: nats.url, name: "client" });
  return { bus: await openBus(nc), close: () => nc.close() };
}

async function terminal(
  svc: InProcessServices,
  id: string,
  timeoutMs = 15_000,
): Promise<TaskRecord> {
  return waitFor(
    async () => {
      const r = (await svc.bus.tasks.get(id))?.record;
      return r && ["succeeded", "failed", "blocked", "cancelled"].includes(r.state) ? r : undefined;
    },
    { timeoutMs, message: `task ${id} to finish` },
  );
}

async function eventsOf(
  svc: InProcessServices,
  id: string,
): Promise<{ type: string; [k: string]: unknown }[]> {
  const c = await svc.bus.js.consumers.get(Streams.events, {
    filter_subjects: [Subjects.eventsOf(id)],
  });
  const out: { type: string }[] = [];
  const info = await c.info();
  let left = info.num_pending;
  if (left === 0) return [];
  const msgs = await c.fetch({ max_messages: left, expires: 2000 });
  for await (const m of msgs) {
    out.push(m.json());
    if (--left === 0) break;
  }
  return out;
}

describe("executor", () => {
  it("runs a command agent on a clone, commits on nightshift/<id> and pushes to the origin", async () => {
    const svc = await executor();
    const repo = await makeTestRepo();
    const { task } = await submitTask(svc.bus, {
      prompt: "echo 'hello from the agent' > AGENT.txt && echo done",
      repo: repo.origin,
      backend: "shell",
    });
    const rec = await terminal(svc, task.id);
    expect(rec.state).toBe("succeeded");
    expect(rec.attempts).toBe(1);
    expect(rec.result).toMatchObject({
      outcome: "succeeded",
      pushed: true,
      branch: `nightshift/${task.id}`,
      exitCode: 0,
    });
    expect(await repo.branches()).toContain(`nightshift/${task.id}`);
    expect(await repo.show(`nightshift/${task.id}`, "AGENT.txt")).toBe("hello from the agent");
    expect((await repo.log(`nightshift/${task.id}`))[0]).toMatch(/^nightshift: echo/);
    const events = await eventsOf(svc, task.id);
    expect(events.filter((e) => e.type === "output").map((e) => e["line"])).toEqual(["done"]);
    expect(events.filter((e) => e.type === "state").map((e) => e["state"])).toEqual([
      "queued",
      "running",
      "succeeded",
    ]);
    expect(
      events.find((e) => e.type === "agent" && e["phase"] === "spawned")?.["dispatchMs"],
    ).toBeGreaterThanOrEqual(0);
  });

  it("gives a task without a repository an empty directory and passes the prompt on stdin", async () => {
    const svc = await executor();
    const { task } = await submitTask(svc.bus, { prompt: "write this down", backend: "stdin" });
    const rec = await terminal(svc, task.id);
    expect(rec.state).toBe("succeeded");
    expect(rec.result?.branch).toBeUndefined();
    const { task: t2 } = await submitTask(svc.bus, {
      prompt: 'test -z "$(ls -A)" && pwd',
      backend: "shell",
    });
    expect((await terminal(svc, t2.id)).state).toBe("succeeded");
  });

  it("dead-letters a malformed payload with its reason and keeps working", async () => {
    const svc = await executor();
    await svc.bus.js.publish(Subjects.taskRun("garbage"), "{not json");
    await svc.bus.js.publish(
      Subjects.taskRun("garbage"),
      JSON.stringify({ v: 1, id: "BAD ID", prompt: "" }),
    );
    const dlq = await waitFor(async () => {
      const info = await svc.bus.jsm.streams.info(Streams.dlq, {
        subjects_filter: Subjects.dlqTasks("garbage"),
      });
      return (info.state.subjects?.[Subjects.dlqTasks("garbage")] ?? 0) >= 2 ? info : undefined;
    });
    expect(dlq).toBeDefined();
    const last = await svc.bus.jsm.streams.getMessage(Streams.dlq, {
      last_by_subj: Subjects.dlqTasks("garbage"),
    });
    expect(last?.header.get(DlqHeaders.reason)).toBe("invalid-payload");
    expect(last?.header.get(DlqHeaders.detail)).toMatch(/id: must be lowercase.*prompt/);
    const { task } = await submitTask(svc.bus, { prompt: "true", backend: "shell" });
    expect((await terminal(svc, task.id)).state).toBe("succeeded");
  });

  it("fails a task naming an unknown backend with a clear reason", async () => {
    const svc = await executor();
    const { task } = await submitTask(svc.bus, { prompt: "x", backend: "nope" });
    const rec = await terminal(svc, task.id);
    expect(rec.state).toBe("failed");
    expect(rec.reason).toBe("unknown-backend");
    expect(rec.detail).toBe('unknown backend "nope" (configured: shell, stdin)');
  });

  it("times out a task, fails it with reason timeout and leaves no process behind", async () => {
    const svc = await executor();
    const marker = `ns-timeout-${Date.now()}`;
    const { task } = await submitTask(svc.bus, {
      prompt: `(sleep 120; echo ${marker}) & setsid sh -c 'sleep 121 # ${marker}' & echo started; sleep 122 # ${marker}`,
      backend: "shell",
      timeoutSec: 1,
    });
    const rec = await terminal(svc, task.id);
    expect(rec.state).toBe("failed");
    expect(rec.reason).toBe("timeout");
    expect(rec.result?.outcome).toBe("timeout");
    // including the one that left the process group with setsid
    await waitFor(() => processesMatching(marker).length === 0, {
      timeoutMs: 3000,
      message: "agent processes to be gone",
    });
  });

  it("cancels a queued task before it runs and a running task while it runs", async () => {
    const svc = await executor();
    const { task: running1 } = await submitTask(svc.bus, {
      prompt: "echo started; sleep 60",
      backend: "shell",
    });
    await waitFor(async () => (await svc.bus.tasks.get(running1.id))?.record.state === "running");
    const r = await cancelTask(svc.bus, running1.id, "test", "no longer needed");
    expect(r.effect).toBe("requested");
    const rec = await terminal(svc, running1.id);
    expect(rec.state).toBe("cancelled");
    expect(rec.detail).toBe("no longer needed");
    await svc.stop();
    // with no executor running, submit and cancel as the CLI would
    const client = await clientBus();
    const { task: queued } = await submitTask(client.bus, {
      prompt: "echo never",
      backend: "shell",
    });
    const c = await cancelTask(client.bus, queued.id, "test");
    expect(c.effect).toBe("cancelled");
    expect(c.record.state).toBe("cancelled");
    const svc2 = await executor({ slots: 1 });
    const { task: after } = await submitTask(client.bus, { prompt: "true", backend: "shell" });
    await terminal(svc2, after.id);
    const rec2 = await terminal(svc2, queued.id);
    expect(rec2.state).toBe("cancelled");
    expect(rec2.transitions.some((t) => t.state === "running")).toBe(false);
    // its message is consumed (acknowledged without running), not left in the queue; the
    // record was final before this executor started, so wait for the queue itself
    await waitFor(
      async () => (await svc2.bus.jsm.streams.info(Streams.tasks)).state.messages === 0,
      {
        message: "the cancelled task's message to be consumed",
      },
    );
    expect(
      (await svc2.bus.tasks.get(queued.id))?.record.transitions.some((t) => t.state === "running"),
    ).toBe(false);
    await client.close();
  });

  it("runs tasks on one repository one at a time", async () => {
    const svc = await executor({ slots: 2 });
    const repo = await makeTestRepo();
    const [a, b] = await Promise.all([
      submitTask(svc.bus, {
        prompt: "echo a > A.txt; sleep 1",
        repo: repo.origin,
        backend: "shell",
      }),
      submitTask(svc.bus, {
        prompt: "echo b > B.txt; sleep 1",
        repo: repo.origin,
        backend: "shell",
      }),
    ]);
    const [ra, rb] = await Promise.all([terminal(svc, a.task.id), terminal(svc, b.task.id)]);
    expect([ra.state, rb.state]).toEqual(["succeeded", "succeeded"]);
    const [first, second] = [ra, rb].sort((x, y) =>
      (x.startedAt ?? "").localeCompare(y.startedAt ?? ""),
    );
    // the second started only after the first finished, and waited for the lease meanwhile
    expect(
      (second!.transitions.find((t) => t.state === "running")?.at ?? "") >=
        (first!.finishedAt ?? ""),
    ).toBe(true);
    expect(second!.transitions.some((t) => t.state === "waiting" && t.reason === "repo-busy")).toBe(
      true,
    );
  });
});
