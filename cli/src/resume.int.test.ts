import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitTask, taskEvents } from "@nightshift/client";
import { parseConfig } from "@nightshift/config";
import {
  connectNats,
  openBus,
  provision,
  type Bus,
  type NatsConnection,
} from "@nightshift/messaging";
import { reply, startModelServer, type ModelServer } from "@nightshift/model-server";
import { makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { startBuiltCli, type CliProcess } from "./cli-process.int.ts";

const claude = fileURLToPath(new URL("../../node_modules/.bin/claude", import.meta.url));
let nats: TestNats;
let model: ModelServer;
let nc: NatsConnection;
let bus: Bus;
const procs: CliProcess[] = [];
const root = mkdtempSync(join(tmpdir(), "ns-resume-"));
chmodSync(root, 0o755);
const CONFIG = {
  http: { port: 0 },
  nats: { ackWait: "3s", heartbeat: "500ms", leaseTtl: "2s" },
  executor: { slots: 1, workspaces: join(root, "ws"), busyDelay: "300ms", sessionArchive: "300ms" },
  backends: { claude: { type: "claude-code", command: claude, model: "claude-sonnet-4-6" } },
};

beforeAll(async () => {
  nats = await startTestNats();
  model = await startModelServer({ apiKey: "sk-ant-test" });
  nc = await connectNats({ servers: nats.url, name: "test-client" });
  await provision(nc, parseConfig(CONFIG, {}).config.nats);
  bus = await openBus(nc);
});
afterAll(async () => {
  for (const p of procs) p.child.kill("SIGKILL");
  await nc.close();
  await model.close();
  await nats.dispose();
});

/** An executor process on this host; each gets its own homes folder, as if its local home was lost. */
function executor(name: string): CliProcess {
  const cfg = join(root, `${name}.yml`);
  writeFileSync(
    cfg,
    JSON.stringify({ ...CONFIG, sandbox: { homes: join(root, `homes-${name}`) } }),
  );
  const p = startBuiltCli(["--config", cfg, "service", "executor"], {
    cwd: root,
    env: {
      NATS_URL: nats.url,
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: "sk-ant-test",
      LOG_LEVEL: "info",
    },
  });
  procs.push(p);
  return p;
}

const mentions = (body: unknown, text: string): boolean => JSON.stringify(body).includes(text);

describe("kill -9 of the executor mid-task", () => {
  it("redelivers the task, which resumes the same Claude Code session on the same branch", async () => {
    const repo = await makeTestRepo();
    model.script(
      reply.tool("Bash", { command: "echo one > ONE.txt" }),
      // the executor is killed while this answer is on its way
      reply.text("thinking…", { delayMs: 60_000 }),
      reply.tool("Bash", {
        command: `echo two > TWO.txt && mkdir -p .nightshift && echo '{"status":"done","summary":"both files"}' > .nightshift/result.json`,
      }),
      reply.text("Done."),
    );
    const first = executor("a");
    const { task } = await submitTask(bus, {
      prompt: "Write ONE.txt, then TWO.txt",
      repo: repo.origin,
      backend: "claude",
    });
    const session = await waitFor(async () => (await bus.tasks.get(task.id))?.record.session, {
      timeoutMs: 30_000,
      message: `the session to be recorded; executor output:\n${first.output()}`,
    });
    // the second model request is in flight, and the home has been saved meanwhile
    await waitFor(
      () =>
        model
          .modelRequests()
          .some((r) => mentions(r.body, "echo one > ONE.txt") && mentions(r.body, "tool_result")),
      {
        timeoutMs: 30_000,
        message: "the first tool result to reach the model",
      },
    );
    await new Promise((r) => setTimeout(r, 1_000));
    first.child.kill("SIGKILL");
    await first.exited;
    const before = model.modelRequests().length;

    const second = executor("b");
    const rec = await waitFor(
      async () => {
        const r = (await bus.tasks.get(task.id))?.record;
        return r && ["succeeded", "failed", "blocked", "cancelled"].includes(r.state)
          ? r
          : undefined;
      },
      {
        timeoutMs: 60_000,
        message: `the task to finish; second executor output:\n${second.output()}`,
      },
    );
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.attempts).toBe(2);
    // the second attempt continued the conversation: its request carries the first attempt's turns
    const resumed = model.modelRequests()[before];
    expect(resumed, "the second attempt's first request").toBeDefined();
    expect(mentions(resumed?.body, "echo one > ONE.txt")).toBe(true);
    expect(rec.session?.id).toBe(session.id);
    // the home came from the object store (executor b has its own, empty homes folder)
    const logs: string[] = [];
    for await (const { event } of taskEvents(bus, task.id, { follow: false }))
      if (event.type === "log") logs.push(event.message);
    expect(logs).toContain("agent session restored from the object store");
    // on the same branch, with the first attempt's work (the workspace on this host was taken over)
    expect(await repo.show(`nightshift/${task.id}`, "ONE.txt")).toBe("one");
    expect(await repo.show(`nightshift/${task.id}`, "TWO.txt")).toBe("two");
    second.child.kill("SIGTERM");
    await second.exited;
  }, 150_000);
});
