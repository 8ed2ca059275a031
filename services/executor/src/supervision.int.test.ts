import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decideApproval, submitTask } from "@nightshift/client";
import type { PendingCheckpoint, TaskRecord } from "@nightshift/contracts";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import { reply, startModelServer, type ModelServer } from "@nightshift/model-server";
import { makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { executorService } from "./service.ts";

let nats: TestNats;
let model: ModelServer;
const running: InProcessServices[] = [];
beforeAll(async () => {
  nats = await startTestNats();
  model = await startModelServer({ apiKey: "sk-ant-test" });
});
afterAll(async () => {
  await model.close();
  await nats.dispose();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.forceStop()));
});

const result = (status: string, summary: string, extra = "") =>
  `mkdir -p .nightshift && echo '{"status":"${status}","summary":"${summary}"${extra}}' > .nightshift/result.json`;

async function executor(extra: Record<string, unknown> = {}): Promise<InProcessServices> {
  const root = mkdtempSync(join(tmpdir(), "ns-sup-"));
  chmodSync(root, 0o755);
  const svc = await startInProcess(
    [
      executorService({
        env: {
          PATH: process.env["PATH"],
          ANTHROPIC_API_KEY: "sk-ant-test",
          ANTHROPIC_BASE_URL: model.url,
        },
      }),
    ],
    {
      natsUrl: nats.url,
      config: {
        nats: { heartbeat: "300ms", ackWait: "3s", leaseTtl: "3s" },
        executor: { slots: 2, workspaces: root, retryDelay: "200ms", killGrace: "500ms" },
        backends: {
          shell: { type: "command", argv: ["sh", "-c", "{prompt}"] },
          api: { type: "anthropic", model: "claude-sonnet-4-6" },
        },
        ...extra,
      },
    },
  );
  running.push(svc);
  return svc;
}

const record = async (svc: InProcessServices, id: string) => (await svc.bus.tasks.get(id))!.record;

async function checkpointOf(
  svc: InProcessServices,
  id: string,
  after?: string,
): Promise<PendingCheckpoint> {
  return waitFor(
    async () => {
      const r = await record(svc, id);
      return r.state === "waiting" &&
        r.waitReason === "awaiting-approval" &&
        r.checkpoint?.id !== after
        ? r.checkpoint
        : undefined;
    },
    { timeoutMs: 20_000, message: "the task to wait at a checkpoint" },
  );
}

async function finished(svc: InProcessServices, id: string): Promise<TaskRecord> {
  return waitFor(
    async () => {
      const r = await record(svc, id);
      return ["succeeded", "failed", "blocked", "cancelled"].includes(r.state) ? r : undefined;
    },
    { timeoutMs: 20_000, message: "the task to finish" },
  );
}

describe("supervised mode", () => {
  it("pauses before push until approved", async () => {
    const svc = await executor();
    const repo = await makeTestRepo();
    const { task } = await submitTask(svc.bus, {
      prompt: `echo careful > CHANGE.md && ${result("done", "wrote CHANGE.md")}`,
      repo: repo.origin,
      backend: "shell",
      mode: "supervised",
    });
    const cp = await checkpointOf(svc, task.id);
    expect(cp.name).toBe("before-push");
    expect(cp.detail).toMatch(/^1 commit\(s\), 1 file\(s\) changed, ready to push nightshift\//);
    // nothing has left the machine while it waits
    expect(await repo.branches()).toEqual(["main"]);
    await decideApproval(svc.bus, task.id, "approve", "cli:alice");
    const rec = await finished(svc, task.id);
    expect(rec.state).toBe("succeeded");
    expect(rec.result?.pushed).toBe(true);
    expect(rec.checkpoint).toBeUndefined();
    expect(await repo.show(`nightshift/${task.id}`, "CHANGE.md")).toBe("careful");
  });

  it("ends the task as cancelled with the message when the push is rejected, and pushes nothing", async () => {
    const svc = await executor();
    const repo = await makeTestRepo();
    const { task } = await submitTask(svc.bus, {
      prompt: `echo risky > RISKY.md && ${result("done", "wrote RISKY.md")}`,
      repo: repo.origin,
      backend: "shell",
      mode: "supervised",
    });
    await checkpointOf(svc, task.id);
    await decideApproval(svc.bus, task.id, "reject", "cli:bob", "not this way");
    const rec = await finished(svc, task.id);
    expect(rec.state).toBe("cancelled");
    expect(rec.reason).toBe("rejected");
    expect(rec.detail).toBe("rejected by cli:bob: not this way");
    expect(await repo.branches()).toEqual(["main"]);
  });

  it("asks on a regression: the repository's check failed after the agent", async () => {
    const repo = await makeTestRepo();
    const svc = await executor({
      repositories: [{ match: repo.origin, check: { command: "test -f TESTS_PASS" } }],
      supervision: { checkpoints: ["on-regression"] },
    });
    const { task } = await submitTask(svc.bus, {
      prompt: `echo x > X.md && ${result("done", "changed X")}`,
      repo: repo.origin,
      backend: "shell",
      mode: "supervised",
    });
    const cp = await checkpointOf(svc, task.id);
    expect(cp.name).toBe("on-regression");
    await decideApproval(svc.bus, task.id, "approve", "cli:carol", "known flaky");
    const rec = await finished(svc, task.id);
    expect(rec.state).toBe("succeeded");
    expect(rec.detail).toBe("check failed; pushed as approved by cli:carol: known flaky");
    expect(rec.result?.pushed).toBe(true);
  });

  it("cancels a checkpoint nobody answers in time", async () => {
    const svc = await executor({ supervision: { approvalTimeout: "1s" } });
    const { task } = await submitTask(svc.bus, {
      prompt: result("blocked", "stuck", ',"blockers":["which database?"]'),
      backend: "shell",
      mode: "supervised",
    });
    const cp = await checkpointOf(svc, task.id);
    expect(cp).toMatchObject({ name: "on-blocker", detail: "which database?" });
    const rec = await finished(svc, task.id);
    expect(rec).toMatchObject({ state: "cancelled", reason: "approval-timeout" });
  });

  it("pauses every N turns of the agent's own loop until approved", async () => {
    const svc = await executor({ supervision: { checkpoints: ["every-turns"], everyTurns: 1 } });
    model.script(
      reply.tool("list_files", {}),
      reply.tool("write_file", {
        path: ".nightshift/result.json",
        content: JSON.stringify({ status: "done", summary: "looked" }),
      }),
      reply.text("done"),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "look around",
      backend: "api",
      mode: "supervised",
    });
    const first = await checkpointOf(svc, task.id);
    expect(first).toMatchObject({ name: "every-turns", detail: "1 turns done" });
    // paused: the model got one request only
    expect(model.modelRequests().length).toBe(1);
    await decideApproval(svc.bus, task.id, "approve", "cli:dave");
    const second = await checkpointOf(svc, task.id, first.id);
    expect(second.detail).toBe("2 turns done");
    await decideApproval(svc.bus, task.id, "approve", "cli:dave");
    const rec = await finished(svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(model.modelRequests().length).toBe(3);
  });
});
