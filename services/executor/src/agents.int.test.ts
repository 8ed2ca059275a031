import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { submitTask } from "@nightshift/client";
import { Streams, Subjects, type TaskRecord } from "@nightshift/contracts";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import { reply, startModelServer, type ModelServer } from "@nightshift/model-server";
import {
  makeTestRepo,
  processesMatching,
  startTestNats,
  waitFor,
  type TestNats,
} from "@nightshift/testkit";
import { executorService } from "./service.ts";

const bin = (name: string) =>
  fileURLToPath(new URL(`../../../node_modules/.bin/${name}`, import.meta.url));

const SECRETS = {
  GITHUB_TOKEN: "ghp_executorsecret0123456789",
  NATS_PASSWORD: "nats-executor-password",
  OPENAI_API_KEY: "sk-openai-test",
  ANTHROPIC_API_KEY: "sk-ant-test",
};
const planted = join(homedir(), `.nightshift-agents-test-${process.pid}`);

let nats: TestNats;
let model: ModelServer;
let svc: InProcessServices;

beforeAll(async () => {
  writeFileSync(planted, "executor-home-secret\n");
  nats = await startTestNats();
  model = await startModelServer({ apiKey: ["sk-ant-test", "sk-openai-test"] });
  svc = await startInProcess(
    [
      executorService({
        env: {
          PATH: process.env["PATH"],
          LANG: "C.UTF-8",
          ANTHROPIC_BASE_URL: model.url,
          ...SECRETS,
        },
      }),
    ],
    {
      natsUrl: nats.url,
      config: {
        nats: { heartbeat: "300ms", ackWait: "5s", leaseTtl: "5s" },
        executor: {
          slots: 1,
          workspaces: mkdtempSync(join(tmpdir(), "ns-agents-ws-")),
          retryDelay: "200ms",
          killGrace: "500ms",
        },
        sandbox: { driver: "bwrap", homes: mkdtempSync(join(tmpdir(), "ns-agents-home-")) },
        backends: {
          claude: { type: "claude-code", command: bin("claude"), model: "claude-sonnet-4-6" },
          codex: {
            type: "codex",
            command: bin("codex"),
            model: "gpt-5-codex",
            baseUrl: model.openaiBaseUrl,
          },
          api: { type: "anthropic", model: "claude-sonnet-4-6" },
        },
      },
    },
  );
});
afterAll(async () => {
  await svc?.forceStop();
  await model?.close();
  await nats?.dispose();
  rmSync(planted, { force: true });
});
afterEach(() => {
  expect(model.pending()).toBe(0);
});

async function finished(id: string): Promise<TaskRecord> {
  return waitFor(
    async () => {
      const r = (await svc.bus.tasks.get(id))?.record;
      return r && ["succeeded", "failed", "blocked", "cancelled"].includes(r.state) ? r : undefined;
    },
    { timeoutMs: 60_000, message: `task ${id} to finish` },
  );
}

async function eventsOf(id: string): Promise<{ type: string; [k: string]: unknown }[]> {
  const c = await svc.bus.js.consumers.get(Streams.events, {
    filter_subjects: [Subjects.eventsOf(id)],
  });
  let left = (await c.info()).num_pending;
  const out: { type: string }[] = [];
  if (left === 0) return [];
  for await (const m of await c.fetch({ max_messages: left, expires: 2000 })) {
    out.push(m.json());
    if (--left === 0) break;
  }
  return out;
}

function expectPriced(rec: TaskRecord, turns: number): void {
  expect(rec.usage.turns).toBe(turns);
  expect(
    rec.usage.inputTokens + rec.usage.cacheReadTokens + rec.usage.cacheWriteTokens,
  ).toBeGreaterThan(0);
  expect(rec.usage.outputTokens).toBeGreaterThan(0);
  expect(rec.usage.costUsd).toBeGreaterThan(0);
}

describe("executor with real agent CLIs in the bwrap sandbox", () => {
  it("claude-code edits a file through tool calls; the change is pushed and the usage recorded", async () => {
    const repo = await makeTestRepo({ "README.md": "# test\n" });
    model.script(
      reply.tool("Read", { file_path: "README.md" }),
      reply.tool("Edit", {
        file_path: "README.md",
        old_string: "# test",
        new_string: "# test\n\nEdited by claude.",
      }),
      reply.tool("Write", {
        file_path: ".nightshift/result.json",
        content: JSON.stringify({ status: "done", summary: "Edited the README." }),
      }),
      reply.text("Edited the README."),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Improve the README",
      repo: repo.origin,
      backend: "claude",
    });
    const rec = await finished(task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.result).toMatchObject({
      pushed: true,
      branch: `nightshift/${task.id}`,
      summary: "Edited the README.",
    });
    expect(await repo.show(`nightshift/${task.id}`, "README.md")).toBe(
      "# test\n\nEdited by claude.",
    );
    expectPriced(rec, 4);
    expect(rec.session).toMatchObject({
      backend: "claude",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
    });
    const events = await eventsOf(task.id);
    expect(events.filter((e) => e.type === "tool_call").map((e) => e["name"])).toEqual([
      "Read",
      "Edit",
      "Write",
    ]);
    expect(
      events.filter((e) => e.type === "tool_result").every((e) => e["isError"] === false),
    ).toBe(true);
    expect(events.some((e) => e.type === "usage")).toBe(true);
  });

  it("codex edits a file through a tool call; the change is pushed and the usage recorded", async () => {
    const repo = await makeTestRepo({ "README.md": "# test\n" });
    model.script(
      reply.tool("exec_command", { cmd: "printf 'made by codex\\n' > CODEX.md" }),
      reply.tool("exec_command", {
        cmd: `mkdir -p .nightshift && printf '%s' '${JSON.stringify({ status: "done", summary: "Added CODEX.md." })}' > .nightshift/result.json`,
      }),
      reply.text("Added CODEX.md."),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Add a note",
      repo: repo.origin,
      backend: "codex",
    });
    const rec = await finished(task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.result?.pushed).toBe(true);
    expect(await repo.show(`nightshift/${task.id}`, "CODEX.md")).toBe("made by codex");
    expectPriced(rec, 3);
    expect(rec.result?.summary).toBe("Added CODEX.md.");
    expect(rec.session?.backend).toBe("codex");
    expect(model.modelRequests().at(-1)?.apiKey).toBe("sk-openai-test");
  });

  it("the anthropic backend edits a file through a tool call; the change is pushed and the usage recorded", async () => {
    const repo = await makeTestRepo({ "app.txt": "version = 1\n" });
    model.script(
      reply.tool("edit_file", {
        path: "app.txt",
        old_text: "version = 1",
        new_text: "version = 2",
      }),
      reply.tool("write_file", {
        path: ".nightshift/result.json",
        content: JSON.stringify({ status: "done", summary: "Bumped." }),
      }),
      reply.text("Bumped."),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Bump the version",
      repo: repo.origin,
      backend: "api",
    });
    const rec = await finished(task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(await repo.show(`nightshift/${task.id}`, "app.txt")).toBe("version = 2");
    expectPriced(rec, 3);
    expect(rec.session?.backend).toBe("api");
  });

  it("keeps the agent inside: no executor home, no executor secrets, no writes outside, no survivors", async () => {
    const repo = await makeTestRepo();
    const marker = `ns-agent-survivor-${Date.now()}`;
    const outside = join(mkdtempSync(join(tmpdir(), "ns-outside-")), "escaped.txt");
    const probe = [
      `(cat ${planted} 2>&1 || true) > probe-home.txt`,
      "env | sort > probe-env.txt",
      `(echo x > ${outside} && echo wrote-outside || echo no-write-outside) > probe-write.txt`,
      `(setsid nohup sh -c 'sleep 300 # ${marker}' >/dev/null 2>&1 &)`,
      "id -u > probe-uid.txt",
      `mkdir -p .nightshift && echo '${JSON.stringify({ status: "done", summary: "Probed." })}' > .nightshift/result.json`,
    ].join("; ");
    model.script(reply.tool("Bash", { command: probe }), reply.text("Probed."));
    const { task } = await submitTask(svc.bus, {
      prompt: "Probe",
      repo: repo.origin,
      backend: "claude",
    });
    const rec = await finished(task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    const branch = `nightshift/${task.id}`;
    expect(await repo.show(branch, "probe-home.txt")).toMatch(/No such file or directory/);
    const env = await repo.show(branch, "probe-env.txt");
    for (const [name, value] of Object.entries(SECRETS)) {
      if (name === "ANTHROPIC_API_KEY") continue;
      expect(env).not.toContain(name);
      expect(env).not.toContain(value);
    }
    expect(env).toContain("ANTHROPIC_API_KEY=sk-ant-test");
    expect(await repo.show(branch, "probe-write.txt")).toBe("no-write-outside");
    expect(Number(await repo.show(branch, "probe-uid.txt"))).toBeGreaterThanOrEqual(10_000);
    expect(processesMatching(marker)).toEqual([]);
  });

  it("stops a task at its turn limit with that reason and keeps the partial work on its branch", async () => {
    const repo = await makeTestRepo();
    model.script(
      reply.tool("Bash", { command: "echo partial > PARTIAL.txt" }),
      reply.tool("Bash", { command: "echo more > MORE.txt" }),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Work",
      repo: repo.origin,
      backend: "claude",
      maxTurns: 1,
    });
    const rec = await finished(task.id);
    expect(rec.state, rec.detail).toBe("failed");
    expect(rec.reason).toBe("max-turns");
    expect(rec.result?.pushed).toBe(true);
    expect(await repo.show(`nightshift/${task.id}`, "PARTIAL.txt")).toBe("partial");
    expect(rec.usage.turns).toBe(1);
    // The second scripted turn was never asked for.
    expect(model.clear()).toBe(1);
  });

  it("waits out a 429 (rate-limited until the reset) and then completes without failing", async () => {
    const repo = await makeTestRepo({ "app.txt": "version = 1\n" });
    const resetAt = new Date(Date.now() + 2_000);
    model.script(
      reply.rateLimited({ retryAfterSec: 2, resetAt }),
      reply.tool("edit_file", {
        path: "app.txt",
        old_text: "version = 1",
        new_text: "version = 2",
      }),
      reply.tool("write_file", {
        path: ".nightshift/result.json",
        content: JSON.stringify({ status: "done", summary: "Bumped after the wait." }),
      }),
      reply.text("Done."),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Bump",
      repo: repo.origin,
      backend: "api",
    });
    const waiting = await waitFor(async () => {
      const r = (await svc.bus.tasks.get(task.id))?.record;
      return r?.state === "waiting" && r.waitReason === "rate-limited" ? r : undefined;
    });
    expect(Math.abs(Date.parse(waiting.waitUntil ?? "") - resetAt.getTime())).toBeLessThan(1_500);
    const rec = await finished(task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    // the rate-limited attempt does not count against maxAttempts
    expect(rec.attempts).toBe(2);
    expect(rec.freeAttempts).toBe(1);
    const ran = rec.transitions.filter((t) => t.state === "running").map((t) => Date.parse(t.at));
    expect(ran[1]! - resetAt.getTime()).toBeGreaterThanOrEqual(-250);
    expect(await repo.show(`nightshift/${task.id}`, "app.txt")).toBe("version = 2");
  });
});
