import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headers } from "@nats-io/nats-core";
import { Streams, Task, TaskHeaders } from "@nightshift/contracts";
import { busFixture, type BusFixture } from "./fixture.int.ts";
import { publishTask } from "./publish-task.ts";
import { applyTransition, recordFromHeaders } from "./task-store.ts";

let fx: BusFixture;

beforeAll(async () => {
  fx = await busFixture();
});
afterAll(async () => {
  await fx.close();
});

const input = (id: string) => ({
  v: 1 as const,
  id,
  createdAt: new Date().toISOString(),
  source: { kind: "cli" as const },
  prompt: "say hello",
  limits: { maxTurns: 3 },
});

async function message(seq: number) {
  const m = await fx.bus.jsm.streams.getMessage(Streams.tasks, { seq });
  if (!m) throw new Error(`no message ${seq}`);
  return { task: Task.parse(m.json()), headers: m.header };
}

describe("the record a task message was published with", () => {
  it("is rebuilt exactly from the message, and written on with one compare-and-set", async () => {
    const published = await publishTask(fx.bus, input("hint-exact"));
    const m = await message(published.seq);
    const hinted = recordFromHeaders(m.task, m.headers);
    const stored = await fx.bus.tasks.get("hint-exact");
    expect(hinted).toEqual(stored);

    const running = await fx.bus.tasks.updateOnce(hinted!, (r) => applyTransition(r, "running"));
    expect(running).not.toBe("conflict");
    expect((await fx.bus.tasks.get("hint-exact"))?.record.state).toBe("running");
    // the guess is stale now: the write is refused, not retried on a fresh read
    expect(await fx.bus.tasks.updateOnce(hinted!, (r) => applyTransition(r, "running"))).toBe(
      "conflict",
    );
  });

  it("is no guess when the message does not match the record or says nothing", async () => {
    const published = await publishTask(fx.bus, input("hint-tampered"));
    const m = await message(published.seq);
    const h = headers();
    for (const [k, v] of m.headers ?? []) h.set(k, v[0] ?? "");
    h.set(TaskHeaders.recordDigest, "not-the-digest");
    expect(recordFromHeaders(m.task, h)).toBeUndefined();
    // a task changed in transit does not match its record's digest
    expect(recordFromHeaders({ ...m.task, prompt: "something else" }, m.headers)).toBeUndefined();
    expect(recordFromHeaders(m.task, undefined)).toBeUndefined();
    const odd = headers();
    odd.set(TaskHeaders.recordRevision, "-4");
    odd.set(TaskHeaders.recordCreatedAt, "yesterday");
    odd.set(TaskHeaders.recordDigest, "x");
    expect(recordFromHeaders(m.task, odd)).toBeUndefined();

    // published again under another message id: the record exists, the message says nothing
    const again = await publishTask(fx.bus, input("hint-tampered"), { msgId: "hint-tampered-2" });
    expect(again.stored).toBe(true);
    expect((await message(again.seq)).headers?.get(TaskHeaders.recordRevision) ?? "").toBe("");
  });
});
