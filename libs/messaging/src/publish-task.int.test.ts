import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Streams } from "@nightshift/contracts";
import { busFixture, type BusFixture } from "./fixture.int.ts";
import { publishTask } from "./publish-task.ts";

let fx: BusFixture;

beforeAll(async () => {
  fx = await busFixture();
});
afterAll(async () => {
  await fx.close();
});

describe("publishTask when JetStream refuses the publishes", () => {
  // Found by the fault suite: with a stream leader unreachable, the task publish failed
  // first and the queued event's failure then went unobserved, which killed the process
  // (the scheduler) with an unhandled rejection instead of failing the call.
  it("rejects the call, and nothing goes unhandled", async () => {
    await fx.bus.jsm.streams.delete(Streams.events);
    await fx.bus.jsm.streams.delete(Streams.tasks);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      await expect(
        publishTask(fx.bus, {
          v: 1,
          id: "unreachable-task",
          createdAt: new Date().toISOString(),
          source: { kind: "cli" },
          prompt: "x",
          limits: {},
        }),
      ).rejects.toThrow(/no responders|not enabled|stream not found/i);
      await new Promise((r) => setTimeout(r, 200));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
