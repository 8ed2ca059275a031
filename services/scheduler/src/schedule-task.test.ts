import { describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { repoKey, Task } from "@nightshift/contracts";
import { scheduleTask, scheduleTaskId, slotKey } from "./schedule-task.ts";

const slot = new Date("2026-11-21T02:00:00Z");

function schedules(task: Record<string, unknown>) {
  return parseConfig({ schedules: { nightly: { cron: "0 2 * * *", task } } }, {}).config.schedules;
}

describe("scheduleTask", () => {
  it("builds the task from every key of the template", () => {
    const s = schedules({
      prompt: "update the dependencies",
      repo: "https://github.com/acme/web.git",
      base: "develop",
      backend: "claude",
      model: "opus",
      mode: "supervised",
      limits: { timeout: "20m", maxTurns: 40, maxCostUsd: 2.5 },
      labels: { team: "web" },
    });
    const task = Task.parse(scheduleTask("nightly", s["nightly"]!, slot, slot));
    expect(task).toMatchObject({
      id: scheduleTaskId("nightly", slot),
      kind: "schedule",
      prompt: "update the dependencies",
      repo: {
        url: "https://github.com/acme/web.git",
        key: repoKey("https://github.com/acme/web.git"),
        base: "develop",
      },
      backend: "claude",
      model: "opus",
      mode: "supervised",
      limits: { timeoutSec: 1200, maxTurns: 40, maxCostUsd: 2.5 },
      labels: { team: "web", schedule: "nightly" },
      source: {
        kind: "schedule",
        ref: "sched:nightly:2026-11-21T02:00:00.000Z",
        attributes: { schedule: "nightly", slot: "2026-11-21T02:00:00.000Z" },
      },
    });
  });

  it("takes the prompt from a task card's goal and keeps the card", () => {
    const s = schedules({ card: { goal: "keep CI green", acceptance: ["CI passes"] } });
    const task = Task.parse(scheduleTask("nightly", s["nightly"]!, slot));
    expect(task.prompt).toBe("keep CI green");
    expect(task.card?.acceptance).toEqual(["CI passes"]);
    expect(task.repo).toBeUndefined();
    expect(task.mode).toBe("autonomous");
    expect(task.loop).toBeUndefined();
  });

  it("runs a schedule as a review loop when its template has loop", () => {
    const s = schedules({
      card: { goal: "keep CI green" },
      repo: "/srv/app",
      loop: { maxRounds: 2, reviewer: { backend: "critic", model: "opus" } },
    });
    const task = Task.parse(scheduleTask("nightly", s["nightly"]!, slot));
    expect(task.loop).toEqual({ maxRounds: 2, reviewer: { backend: "critic", model: "opus" } });
  });

  it("derives one id per schedule and slot", () => {
    expect(slotKey("nightly", slot)).toBe("sched:nightly:2026-11-21T02:00:00.000Z");
    expect(scheduleTaskId("nightly", slot)).toBe(scheduleTaskId("nightly", new Date(slot)));
    expect(scheduleTaskId("nightly", slot)).not.toBe(
      scheduleTaskId("nightly", new Date(slot.getTime() + 86_400_000)),
    );
    expect(scheduleTaskId("nightly", slot)).not.toBe(scheduleTaskId("weekly", slot));
  });
});
