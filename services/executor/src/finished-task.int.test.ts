// Found by the fault suite: while a stream's leader was being re-elected, tasks finished
// with their record written but their `succeeded` event lost (nobody was notified), and a
// message that could not be copied to the DLQ was later acknowledged without its copy.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { submitTask } from "@nightshift/client";
import { DlqHeaders, Streams, Subjects } from "@nightshift/contracts";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import { streamConfigs } from "@nightshift/messaging";
import { makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { executorService } from "./service.ts";

let nats: TestNats;
let svc: InProcessServices;

beforeAll(async () => {
  nats = await startTestNats();
});
afterAll(async () => {
  await nats.dispose();
});
afterEach(async () => {
  await svc.forceStop();
});

async function start(): Promise<InProcessServices> {
  svc = await startInProcess([executorService({ env: process.env })], {
    natsUrl: nats.url,
    config: {
      nats: { heartbeat: "300ms", ackWait: "2s", leaseTtl: "2s" },
      executor: {
        slots: 2,
        workspaces: mkdtempSync(join(tmpdir(), "ns-ws-")),
        retryDelay: "200ms",
        busyDelay: "200ms",
      },
      backends: { shell: { type: "command", argv: ["sh", "-c", "{prompt}"] } },
    },
  });
  return svc;
}

async function recreate(stream: string): Promise<void> {
  const cfg = streamConfigs(svc.config.nats).find((c) => c.name === stream)!;
  await svc.bus.jsm.streams.add(cfg);
}

describe("a finished task", () => {
  it("gets its succeeded event even when EVENTS could not take it when the task finished", async () => {
    await start();
    const repo = await makeTestRepo();
    const { task } = await submitTask(svc.bus, {
      prompt: "sleep 1; echo x > X.txt",
      repo: repo.origin,
      backend: "shell",
    });
    await waitFor(async () => (await svc.bus.tasks.get(task.id))?.record.state === "running");
    await svc.bus.jsm.streams.delete(Streams.events);
    await waitFor(async () => (await svc.bus.tasks.get(task.id))?.record.state === "succeeded", {
      timeoutMs: 10_000,
    });
    await recreate(Streams.events);
    const finished = (await svc.bus.tasks.get(task.id))!.record;
    const event = await waitFor(
      async () =>
        (await svc.bus.jsm.streams.getMessage(Streams.events, {
          last_by_subj: Subjects.event(task.id, "state"),
        })) ?? undefined,
      { timeoutMs: 15_000, message: "the succeeded event" },
    );
    expect(event.json()).toMatchObject({
      state: "succeeded",
      attempt: 1,
      at: finished.finishedAt,
    });
    await waitFor(
      async () => (await svc.bus.jsm.streams.info(Streams.tasks)).state.messages === 0,
      { timeoutMs: 10_000, message: "the message to be acknowledged" },
    );
  }, 40_000);

  it("is dead-lettered on redelivery when its DLQ copy could not be written", async () => {
    await start();
    await svc.bus.jsm.streams.delete(Streams.dlq);
    const { task } = await submitTask(svc.bus, { prompt: "x", backend: "missing" });
    await waitFor(async () => (await svc.bus.tasks.get(task.id))?.record.state === "failed");
    await recreate(Streams.dlq);
    const letter = await waitFor(
      async () =>
        (await svc.bus.jsm.streams.getMessage(Streams.dlq, {
          last_by_subj: Subjects.dlqTasks("none"),
        })) ?? undefined,
      { timeoutMs: 20_000, message: "the dead letter" },
    );
    expect(letter.header.get(DlqHeaders.taskId)).toBe(task.id);
    expect(letter.header.get(DlqHeaders.reason)).toBe("unknown-backend");
    expect((await svc.bus.jsm.streams.info(Streams.tasks)).state.messages).toBe(0);
  }, 40_000);
});
