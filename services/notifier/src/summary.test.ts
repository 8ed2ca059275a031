import { describe, expect, it } from "vitest";
import { retryDelay } from "./delivery.ts";
import { finishedTask } from "./fixture.int.ts";
import { formatDuration, viewOf } from "./summary.ts";

describe("notification view", () => {
  it("describes a failed task with its reason, detail, cost and duration", () => {
    const { record } = finishedTask({
      state: "failed",
      reason: "timeout",
      detail: "exceeded the 60 s time limit",
      result: { outcome: "timeout", pushed: false },
      usage: {
        turns: 1,
        inputTokens: 1,
        outputTokens: 1,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 1.5,
      },
    });
    const v = viewOf(
      {
        id: "t-1",
        kind: "terminal",
        record,
        events: [
          {
            v: 1,
            taskId: record.id,
            at: record.finishedAt!,
            attempt: 1,
            type: "state",
            state: "failed",
            reason: "timeout",
            detail: "exceeded the 60 s time limit",
          },
        ],
      },
      "https://ns/{taskId}/x",
    );
    expect(v.headline).toBe("Failed");
    expect(v.facts.slice(0, 3)).toEqual([
      ["Outcome", "timeout"],
      ["Cost", "$1.5000"],
      ["Duration", "12m 33s"],
    ]);
    expect(v.body).toBe("exceeded the 60 s time limit");
    expect(v.links.at(-1)).toEqual({ label: "Task", url: "https://ns/01jx3y7k9m2task/x" });
  });

  it("formats durations and backs off retries up to the cap", () => {
    expect(formatDuration(999)).toBe("1s");
    expect(formatDuration(125_000)).toBe("2m 5s");
    expect(formatDuration(3_725_000)).toBe("1h 2m");
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelay(a, 100, 1_000))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });
});
