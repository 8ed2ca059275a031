import { describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { Task } from "@nightshift/contracts";
import { newRecord } from "@nightshift/messaging";
import { waitFor } from "@nightshift/testkit";
import { publishedTasks, slotsOf } from "./fixture.int.ts";
import { everySecond, schedulerHarness } from "./harness.int.ts";
import { ScheduleStateStore } from "./schedule-state.ts";
import { scheduleTask } from "./schedule-task.ts";

const { bus: getBus, scheduler } = schedulerHarness();

describe("a fire left half-done by the last leader", () => {
  // Found by the fault suite: a fire stored its task's record, its message publish failed
  // (a stream leader was being elected) and the scheduler lost its lease before retrying.
  // The next leader counted that slot among the missed ones: the task stayed queued, with
  // no message, forever.
  it("is completed by the next leader, whatever the missed-run policy", async () => {
    const bus = getBus();
    const tick = everySecond({ missed: "skip", grace: "0s" });
    const schedule = parseConfig({ schedules: { tick } }, {}).config.schedules["tick"]!;
    const now = Math.floor(Date.now() / 1000) * 1000;
    const cursor = new Date(now - 6_000);
    const halfFired = new Date(now - 5_000);
    await new ScheduleStateStore(bus.kv.cursors, "old-leader").record("tick", {
      cron: schedule.cron,
      timezone: schedule.timezone,
      results: [],
      missed: 0,
      cursor,
      next: [],
    });
    const task = Task.parse(scheduleTask("tick", schedule, halfFired));
    await bus.tasks.create(newRecord(task));
    await scheduler("new-leader", { tick });
    await waitFor(async () => (await publishedTasks(bus)).some((t) => t.id === task.id), {
      timeoutMs: 10_000,
      message: "the half-fired slot's message",
    });
    // The other slots missed meanwhile still follow the policy (skip): none of them fired.
    const fired = [...(await slotsOf(bus, "tick")).keys()].filter(
      (s) => Date.parse(s) < now && s !== halfFired.toISOString(),
    );
    expect(fired).toEqual([]);
  }, 30_000);
});
