import { describe, expect, it } from "vitest";
import { parseExecutions, scheduledTasks } from "./collect.ts";

describe("parseExecutions", () => {
  it("pairs start and end lines by task, attempt and fence; sandboxed pids repeat", () => {
    const log = [
      "start t1 1 10 2 1000",
      "start t2 1 11 2 1001",
      "end t1 1 10 2 1200",
      "start t1 2 12 2 2000",
      "end t1 2 12 2 2100",
      "garbage",
    ].join("\n");
    expect(parseExecutions(log)).toEqual([
      { taskId: "t1", attempt: 1, fence: 10, pid: 2, start: 1000, end: 1200 },
      { taskId: "t2", attempt: 1, fence: 11, pid: 2, start: 1001 },
      { taskId: "t1", attempt: 2, fence: 12, pid: 2, start: 2000, end: 2100 },
    ]);
  });
});

describe("scheduledTasks", () => {
  it("takes the scheduler's published fires from its log, once each", () => {
    const line = (taskId: string, outcome: string) =>
      JSON.stringify({ msg: "fire published", taskId, outcome });
    const log = [line("s1", "published"), line("s1", "duplicate"), line("s2", "published")].join(
      "\n",
    );
    expect(scheduledTasks(`${log}\n{"msg":"fire pub`, "/r").map((t) => t.id)).toEqual(["s1", "s2"]);
  });
});
