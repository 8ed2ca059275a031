import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitTask } from "@nightshift/client";
import { Streams } from "@nightshift/contracts";
import {
  connectNats,
  openBus,
  provision,
  type Bus,
  type NatsConnection,
} from "@nightshift/messaging";
import { parseConfig } from "@nightshift/config";
import { makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { startBuiltCli, type CliProcess } from "./cli-process.int.ts";

let nats: TestNats;
let nc: NatsConnection;
let bus: Bus;
const procs: CliProcess[] = [];
const CONFIG = {
  nats: { ackWait: "3s", heartbeat: "500ms", leaseTtl: "2s" },
  executor: { slots: 2, busyDelay: "300ms" },
  backends: { shell: { type: "command", argv: ["sh", "-c", "{prompt}"] } },
};

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connectNats({ servers: nats.url, name: "test-client" });
  await provision(nc, parseConfig(CONFIG, {}).config.nats);
  bus = await openBus(nc);
});
afterAll(async () => {
  for (const p of procs) p.child.kill("SIGKILL");
  await nc.close();
  await nats.dispose();
});

function executorProcess(): CliProcess {
  const dir = mkdtempSync(join(tmpdir(), "ns-exec-"));
  const cfg = join(dir, "nightshift.yml");
  writeFileSync(
    cfg,
    JSON.stringify({
      ...CONFIG,
      http: { port: 0 },
      executor: { ...CONFIG.executor, workspaces: join(dir, "ws") },
    }),
  );
  const p = startBuiltCli(["--config", cfg, "service", "executor"], {
    cwd: dir,
    env: { NATS_URL: nats.url, LOG_LEVEL: "info" },
  });
  procs.push(p);
  return p;
}

describe("executor crash", () => {
  it("redelivers a task whose executor was killed with -9; it completes on its second attempt", async () => {
    const repo = await makeTestRepo();
    const first = executorProcess();
    const { task } = await submitTask(bus, {
      prompt: "echo started; sleep 3; echo finished > DONE.txt",
      repo: repo.origin,
      backend: "shell",
    });
    await waitFor(async () => (await bus.tasks.get(task.id))?.record.state === "running", {
      timeoutMs: 20_000,
      message: `task to run; executor output:\n${first.output()}`,
    });
    first.child.kill("SIGKILL");
    await first.exited;
    const second = executorProcess();
    const rec = await waitFor(
      async () => {
        const r = (await bus.tasks.get(task.id))?.record;
        return r && ["succeeded", "failed", "cancelled", "blocked"].includes(r.state)
          ? r
          : undefined;
      },
      { timeoutMs: 30_000, message: `task to finish; second executor output:\n${second.output()}` },
    );
    expect(rec.state).toBe("succeeded");
    expect(rec.attempts).toBe(2);
    expect(rec.transitions.filter((t) => t.state === "running").map((t) => t.attempt)).toEqual([
      1, 2,
    ]);
    expect(await repo.show(`nightshift/${task.id}`, "DONE.txt")).toBe("finished");
    // The message is acknowledged after the record is final (and the lease released): it
    // leaves the work-queue stream a moment later, not at the same instant.
    await waitFor(
      async () => (await bus.jsm.streams.info(Streams.tasks)).state.messages === 0 || undefined,
      { timeoutMs: 5_000, message: "the task's message to be acknowledged" },
    );
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(143);
  });
});
