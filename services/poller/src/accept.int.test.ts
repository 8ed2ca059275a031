import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { deterministicTaskId, NO_REPO_KEY, Streams, Subjects, Task } from "@nightshift/contracts";
import {
  connectNats,
  newRecord,
  openBus,
  provision,
  type Bus,
  type NatsConnection,
} from "@nightshift/messaging";
import { createLogger } from "@nightshift/runtime";
import { startTestNats, type TestNats } from "@nightshift/testkit";
import { acceptTrigger, type AcceptContext } from "./accept.ts";
import { processDue } from "./due.ts";
import { ItemStore } from "./item-state.ts";
import { CursorKeys } from "./kv-keys.ts";
import type { Trigger } from "./trigger.ts";

let nats: TestNats;
let nc: NatsConnection;
let bus: Bus;
const log = createLogger({ level: "silent", format: "json", base: {}, secrets: [] });

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connectNats({ servers: nats.url, name: "accept-test" });
  await provision(nc, parseConfig({}, {}).config.nats);
  bus = await openBus(nc);
});
afterAll(async () => {
  await nc.close();
  await nats.dispose();
});

function trigger(item: string, key: string, o: Partial<Trigger> = {}): Trigger {
  return {
    key,
    item,
    human: false,
    giveUp: { kind: "none" },
    task: {
      v: 1,
      id: deterministicTaskId("t", key),
      createdAt: new Date().toISOString(),
      source: { kind: "cli" },
      prompt: key,
    },
    ...o,
  };
}

function context(now: { t: number }, gaveUp: string[] = [], maxAttempts = 3): AcceptContext {
  return {
    bus,
    items: new ItemStore(bus.kv.cursors),
    cooldownMs: 60_000,
    maxAttempts,
    now: () => now.t,
    giveUp: (t) => {
      gaveUp.push(t.key);
      return Promise.resolve();
    },
  };
}

describe("accepting triggers", () => {
  it("finishes a publish a crashed poller had reserved, under the same id, counted once", async () => {
    const now = { t: Date.now() };
    const ctx = context(now);
    const t = trigger("test/a", "a:1");
    await ctx.items.update("test/a", (s) => ({
      state: {
        ...s,
        attempts: 1,
        pending: { key: t.key, at: new Date(now.t).toISOString() },
        lastTaskAt: new Date(now.t).toISOString(),
      },
      result: 0,
    }));
    expect(await acceptTrigger(ctx, t)).toBe("accepted");
    const { state } = await ctx.items.get("test/a");
    expect(state).toMatchObject({ attempts: 1, handled: ["a:1"] });
    expect(state.pending).toBeUndefined();
    expect(await bus.tasks.get(String(t.task["id"]))).toBeDefined();
    expect(await acceptTrigger(ctx, t)).toBe("duplicate");
  });

  it("makes a trigger in the cooldown wait for it, keeping only the newest of a group", async () => {
    const now = { t: Date.now() };
    const ctx = context(now);
    expect(await acceptTrigger(ctx, trigger("test/b", "b:1"))).toBe("accepted");
    now.t += 1_000;
    expect(await acceptTrigger(ctx, trigger("test/b", "b:checks-1", { group: "checks" }))).toBe(
      "deferred",
    );
    expect(await acceptTrigger(ctx, trigger("test/b", "b:checks-2", { group: "checks" }))).toBe(
      "deferred",
    );
    expect(await acceptTrigger(ctx, trigger("test/b", "b:comment", { human: true }))).toBe(
      "deferred",
    );
    expect((await ctx.items.get("test/b")).state.queue.map((q) => q.trigger.key)).toEqual([
      "b:checks-2",
      "b:comment",
    ]);
    expect(await bus.kv.cursors.get(CursorKeys.due("test/b"))).toBeTruthy();
    await processDue(ctx, log);
    expect((await ctx.items.get("test/b")).state.queue).toHaveLength(2);
    now.t += 60_000;
    await processDue(ctx, log);
    expect(await bus.tasks.get(deterministicTaskId("t", "b:checks-2"))).toBeDefined();
    // The other one waits out the cooldown the first one started.
    expect((await ctx.items.get("test/b")).state.queue.map((q) => q.trigger.key)).toEqual([
      "b:comment",
    ]);
    now.t += 61_000;
    await processDue(ctx, log);
    expect(await bus.tasks.get(deterministicTaskId("t", "b:comment"))).toBeDefined();
    expect(await bus.tasks.get(deterministicTaskId("t", "b:checks-1"))).toBeUndefined();
    const due = await bus.kv.cursors.get(CursorKeys.due("test/b"));
    expect(due?.operation === "PUT").toBe(false);
  });

  // Found by the fault suite: a publish stored the task's record, then its message failed
  // (a stream leader was being elected); the next poll found the record, took the trigger
  // for handled and never published the message. The task stayed queued forever: lost.
  it("completes a publish that stored the record but not the message", async () => {
    const now = { t: Date.now() };
    const ctx = context(now);
    const t = trigger("test/d", "d:1");
    await bus.tasks.create(newRecord(Task.parse(t.task)));
    expect(await acceptTrigger(ctx, t)).toBe("duplicate");
    const m = await bus.jsm.streams.getMessage(Streams.tasks, {
      last_by_subj: Subjects.taskRun(NO_REPO_KEY),
    });
    expect(m?.json<{ id: string }>().id).toBe(t.task["id"]);
    expect((await ctx.items.get("test/d")).state.handled).toContain("d:1");
  });

  it("caps automatic triggers, tells the item once, and lets a person start over", async () => {
    const now = { t: Date.now() };
    const gaveUp: string[] = [];
    const ctx = context(now, gaveUp, 2);
    for (const k of ["c:1", "c:2"]) {
      expect(await acceptTrigger(ctx, trigger("test/c", k))).toBe("accepted");
      now.t += 61_000;
    }
    expect(await acceptTrigger(ctx, trigger("test/c", "c:3"))).toBe("capped");
    expect(await acceptTrigger(ctx, trigger("test/c", "c:4"))).toBe("capped");
    expect(gaveUp).toEqual(["c:3"]);
    expect((await ctx.items.get("test/c")).state.gaveUp?.announced).toBe(true);
    expect(await acceptTrigger(ctx, trigger("test/c", "c:person", { human: true }))).toBe(
      "accepted",
    );
    expect((await ctx.items.get("test/c")).state).toMatchObject({ attempts: 1 });
  });
});
