import { describe, expect, it } from "vitest";
import { ReviewReport, roundArtifact } from "./review.ts";
import { TaskRecord } from "./task-record.ts";

const head = "0123456789abcdef0123456789abcdef01234567";

describe("ReviewReport", () => {
  it("accepts an approval and a change request with its blocking issues", () => {
    expect(ReviewReport.parse({ decision: "approve", head, summary: "good" })).toEqual({
      decision: "approve",
      head,
      summary: "good",
      blocking: [],
      suggestions: [],
    });
    const r = ReviewReport.parse({
      decision: "changes_required",
      head: head.slice(0, 7),
      summary: "one problem",
      blocking: [{ severity: "high", file: "a.ts", line: 3, reason: "off by one" }],
      suggestions: ["rename x"],
    });
    expect(r.blocking[0]?.line).toBe(3);
  });

  it("rejects contradictions, unknown decisions, missing heads and extra keys", () => {
    const bad = [
      { decision: "approve", head, summary: "s", blocking: [{ severity: "low", reason: "r" }] },
      { decision: "changes_required", head, summary: "s" },
      { decision: "lgtm", head, summary: "s" },
      { decision: "approve", summary: "s" },
      { decision: "approve", head: "HEAD", summary: "s" },
      { decision: "approve", head, summary: "s", approved: true },
      { decision: "changes_required", head, summary: "s", blocking: [{ reason: "no severity" }] },
    ];
    for (const b of bad) expect(ReviewReport.safeParse(b).success, JSON.stringify(b)).toBe(false);
  });
});

describe("loop records", () => {
  it("keep rounds additively in the task record", () => {
    const at = "2026-11-21T09:00:00.000Z";
    const rec = TaskRecord.parse({
      v: 1,
      id: "01abcdefgh",
      task: { v: 1, id: "01abcdefgh", createdAt: at, source: { kind: "cli" }, prompt: "p" },
      state: "running",
      attempts: 1,
      createdAt: at,
      updatedAt: at,
      usage: {},
      transitions: [],
      round: 1,
      rounds: [{ n: 1, phase: "work", startedAt: at }],
    });
    expect(rec.rounds?.[0]?.artifacts).toEqual({});
    expect(roundArtifact("01abcdefgh", 2, "review-request")).toBe(
      "tasks/01abcdefgh/rounds/2/review-request.json",
    );
  });
});
