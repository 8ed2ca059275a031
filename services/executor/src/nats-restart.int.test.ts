import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRecords, submitTask } from "@nightshift/client";
import { isTerminal } from "@nightshift/contracts";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import { startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { executorService } from "./service.ts";

let nats: TestNats;
let exec: InProcessServices;

beforeAll(async () => {
  nats = await startTestNats();
  exec = await startInProcess([executorService({ env: process.env })], {
    natsUrl: nats.url,
    config: {
      nats: { ackWait: "4s", heartbeat: "1s", leaseTtl: "3s" },
      executor: {
        slots: 8,
        workspaces: mkdtempSync(join(tmpdir(), "ns-ws-")),
        retryDelay: "500ms",
        maxAttempts: 5,
      },
      backends: { shell: { type: "command", argv: ["sh", "-c", "{prompt}"] } },
    },
  });
});
afterAll(async () => {
  await exec.forceStop();
  await nats.dispose();
});

describe("nats-server restart", () => {
  it("brings all 50 queued or running tasks to a terminal state", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const { task } = await submitTask(exec.bus, {
        prompt: `echo task ${i}; sleep 0.5`,
        backend: "shell",
      });
      ids.push(task.id);
    }
    await waitFor(async () => (await listRecords(exec.bus, { states: ["running"] })).length >= 4, {
      message: "tasks running",
    });
    await nats.restart();
    const records = await waitFor(
      async () => {
        const all = await listRecords(exec.bus);
        const mine = all.filter((r) => ids.includes(r.id));
        return mine.length === 50 && mine.every((r) => isTerminal(r.state)) ? mine : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, message: "all 50 tasks to finish" },
    );
    const states = records.reduce<Record<string, number>>(
      (acc, r) => ({ ...acc, [r.state]: (acc[r.state] ?? 0) + 1 }),
      {},
    );
    expect(states).toEqual({ succeeded: 50 });
    const retried = records.filter((r) => r.attempts > 1).length;
    console.info(`nats restart: 50/50 succeeded, ${retried} needed a second attempt`);
  }, 120_000);
});
