import { describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { Task } from "@nightshift/contracts";
import { newRecord } from "@nightshift/messaging";
import { publishedTasks } from "./fixture.int.ts";
import { fireSlot } from "./fire-slot.ts";
import { schedulerHarness } from "./harness.int.ts";
import { scheduleTask } from "./schedule-task.ts";

const { bus: getBus } = schedulerHarness();

const schedule = parseConfig(
  {
    schedules: {
      tick: {
        cron: "* * * * * *",
        gate: { type: "command", command: "exit 1" },
        task: { prompt: "x" },
      },
    },
  },
  {},
).config.schedules["tick"]!;

describe("fireSlot after a fire that failed half-way", () => {
  // Found by the fault suite: during a NATS leader change a fire stored the task's record,
  // then its message publish failed; the retry found the record, took the slot for done
  // and never published the message. The task stayed queued forever: lost.
  it("publishes the message of a task whose record is all an earlier fire left", async () => {
    const bus = getBus();
    const slot = new Date("2026-01-01T00:00:00.000Z");
    const task = Task.parse(scheduleTask("tick", schedule, slot));
    await bus.tasks.create(newRecord(task));
    const deps = {
      bus,
      env: {},
      cwd: "/",
      githubApiUrl: "http://127.0.0.1:1",
      githubToken: undefined,
    };
    // The gate would refuse: a fire already decided once is not asked again.
    const first = await fireSlot(deps, "tick", schedule, slot);
    expect(first).toMatchObject({ outcome: "published", taskId: task.id });
    const again = await fireSlot(deps, "tick", schedule, slot);
    expect(again).toMatchObject({ outcome: "duplicate", taskId: task.id });
    expect((await publishedTasks(bus)).map((t) => t.id)).toEqual([task.id]);
  });

  it("does not publish again once the task has left the queue", async () => {
    const bus = getBus();
    const slot = new Date("2026-01-01T00:00:01.000Z");
    const task = Task.parse(scheduleTask("tick", schedule, slot));
    await bus.tasks.create({ ...newRecord(task), state: "succeeded" });
    const deps = {
      bus,
      env: {},
      cwd: "/",
      githubApiUrl: "http://127.0.0.1:1",
      githubToken: undefined,
    };
    expect(await fireSlot(deps, "tick", schedule, slot)).toMatchObject({ outcome: "duplicate" });
    expect(await publishedTasks(bus)).toEqual([]);
  });
});
