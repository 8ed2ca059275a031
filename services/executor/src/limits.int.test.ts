import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { submitTask } from "@nightshift/client";
import { NO_REPO_KEY, Streams, Subjects, type TaskRecord } from "@nightshift/contracts";
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

const done = (summary: string) =>
  `mkdir -p .nightshift && echo '{"status":"done","summary":"${summary}"}' > .nightshift/result.json`;

async function executor(
  extra: Record<string, unknown> = {},
  executorExtra: Record<string, unknown> = {},
): Promise<InProcessServices> {
  const root = mkdtempSync(join(tmpdir(), "ns-lim-"));
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
        executor: {
          slots: 2,
          workspaces: root,
          retryDelay: "200ms",
          killGrace: "300ms",
          ...executorExtra,
        },
        backends: {
          shell: { type: "command", argv: ["sh", "-c", "{prompt}"] },
          strict: { type: "command", argv: ["sh", "-c", "{prompt}"], resultFile: "required" },
          api: { type: "anthropic", model: "claude-sonnet-4-6" },
        },
        ...extra,
      },
    },
  );
  running.push(svc);
  return svc;
}

async function finished(
  svc: InProcessServices,
  id: string,
  timeoutMs = 20_000,
): Promise<TaskRecord> {
  return waitFor(
    async () => {
      const r = (await svc.bus.tasks.get(id))?.record;
      return r && ["succeeded", "failed", "blocked", "cancelled"].includes(r.state) ? r : undefined;
    },
    { timeoutMs, message: "the task to finish" },
  );
}

describe("limits and results", () => {
  it("stops a task at its time limit with reason timeout and keeps its partial work on its branch", async () => {
    const svc = await executor();
    const repo = await makeTestRepo();
    const { task } = await submitTask(svc.bus, {
      prompt: "echo half > HALF.md; sleep 30",
      repo: repo.origin,
      backend: "shell",
      timeoutSec: 2,
    });
    const rec = await finished(svc, task.id);
    expect(rec).toMatchObject({ state: "failed", reason: "timeout" });
    expect(rec.result?.pushed).toBe(true);
    expect(await repo.show(`nightshift/${task.id}`, "HALF.md")).toBe("half");
  });

  it("tells the agent to wrap up before the hard stop", async () => {
    const svc = await executor({}, { wrapUp: "1500ms" });
    const repo = await makeTestRepo();
    // a well-behaved agent: works until told to wrap up, then finishes properly
    const script = `echo started > WORK.md; while [ ! -f .nightshift/WRAP_UP ]; do sleep 0.1; done; echo wrapped >> WORK.md; ${done("wrapped up in time")}`;
    const { task } = await submitTask(svc.bus, {
      prompt: script,
      repo: repo.origin,
      backend: "shell",
      timeoutSec: 4,
    });
    const rec = await finished(svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.result?.summary).toBe("wrapped up in time");
    expect(await repo.show(`nightshift/${task.id}`, "WORK.md")).toBe("started\nwrapped");
    // warned about 1.5 s before the 4 s limit, and finished before it
    const took = Date.parse(rec.finishedAt!) - Date.parse(rec.startedAt!);
    expect(took).toBeGreaterThanOrEqual(2_000);
    expect(took).toBeLessThan(4_000);
  });

  it("stops at the task's cost limit with reason budget, partial work kept", async () => {
    const svc = await executor();
    const repo = await makeTestRepo({ "a.txt": "1\n" });
    model.script(
      reply.tool(
        "write_file",
        { path: "a.txt", content: "2\n" },
        { usage: { inputTokens: 200_000, outputTokens: 10_000 } },
      ),
      reply.tool("write_file", { path: "b.txt", content: "never\n" }),
      reply.text("done"),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "spend",
      repo: repo.origin,
      backend: "api",
      maxCostUsd: 0.05,
    });
    const rec = await finished(svc, task.id);
    expect(rec).toMatchObject({ state: "failed", reason: "budget" });
    expect(rec.usage.costUsd).toBeGreaterThan(0.05);
    expect(await repo.show(`nightshift/${task.id}`, "a.txt")).toBe("2");
    expect(model.clear()).toBeGreaterThanOrEqual(1);
  });

  it("holds a repository's tasks once its daily budget is spent (waiting: budget)", async () => {
    const repo = await makeTestRepo({ "a.txt": "1\n" });
    const svc = await executor({ budgets: { repos: { [repo.origin]: 0.01 } } });
    model.script(
      reply.tool(
        "write_file",
        { path: "a.txt", content: "2\n" },
        { usage: { inputTokens: 100_000, outputTokens: 1_000 } },
      ),
      reply.tool("write_file", {
        path: ".nightshift/result.json",
        content: JSON.stringify({ status: "done", summary: "spent" }),
      }),
      reply.text("done"),
    );
    const first = await submitTask(svc.bus, { prompt: "spend", repo: repo.origin, backend: "api" });
    expect((await finished(svc, first.task.id)).state).toBe("succeeded");
    const second = await submitTask(svc.bus, {
      prompt: done("more"),
      repo: repo.origin,
      backend: "shell",
    });
    const held = await waitFor(async () => {
      const r = (await svc.bus.tasks.get(second.task.id))?.record;
      return r?.state === "waiting" && r.waitReason === "budget" ? r : undefined;
    });
    expect(held.detail).toMatch(/^repository .* spent \$0\.\d\d today, its limit is \$0\.01$/);
    expect(held.attempts).toBe(0);
    expect(Date.parse(held.waitUntil!)).toBeGreaterThan(Date.now());
  });

  it("reports an unreadable or wrong results file as an invalid result, never success", async () => {
    const svc = await executor();
    const repo = await makeTestRepo();
    const notJson = await submitTask(svc.bus, {
      prompt: "echo x > X.md && mkdir -p .nightshift && echo '{done' > .nightshift/result.json",
      repo: repo.origin,
      backend: "shell",
    });
    const wrongShape = await submitTask(svc.bus, {
      prompt: `echo y > Y.md && mkdir -p .nightshift && echo '{"status":"finished"}' > .nightshift/result.json`,
      repo: repo.origin,
      backend: "shell",
    });
    const linked = await submitTask(svc.bus, {
      prompt:
        "echo z > Z.md && mkdir -p .nightshift && ln -s /etc/hostname .nightshift/result.json",
      repo: repo.origin,
      backend: "shell",
    });
    const missing = await submitTask(svc.bus, {
      prompt: "echo w > W.md",
      repo: repo.origin,
      backend: "strict",
    });
    const details = [];
    for (const t of [notJson, wrongShape, linked, missing]) {
      const rec = await finished(svc, t.task.id);
      expect(rec.state).toBe("failed");
      expect(rec.reason).toBe("invalid-result");
      details.push(rec.detail);
    }
    expect(details[0]).toMatch(/not JSON/);
    expect(details[1]).toMatch(/status: .*summary: /);
    expect(details[2]).toMatch(/symbolic link/);
    expect(details[3]).toBe("the agent did not write .nightshift/result.json");
  });

  it("runs at most executor.maxTasks and then stops pulling", async () => {
    const svc = await executor({}, { maxTasks: 2, slots: 1 });
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await submitTask(svc.bus, { prompt: done(`t${i}`), backend: "shell" })).task.id);
    // the service ends by itself once its share is done
    await svc.services[0]!.done;
    const states = await Promise.all(
      ids.map(async (id) => (await svc.bus.tasks.get(id))!.record.state),
    );
    expect(states.filter((s) => s === "succeeded")).toHaveLength(2);
    expect(states.filter((s) => s === "queued")).toHaveLength(1);
    // its message waits in the queue for another executor
    const info = await svc.bus.jsm.streams.info(Streams.tasks, {
      subjects_filter: Subjects.taskRun(NO_REPO_KEY),
    });
    expect(info.state.subjects?.[Subjects.taskRun(NO_REPO_KEY)]).toBe(1);
  });
});
