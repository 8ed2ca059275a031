import { describe, expect, it } from "vitest";
import { newRecord } from "@nightshift/messaging";
import { Task, type TaskRecord } from "@nightshift/contracts";
import { approvalText, outcomeText } from "./reply-text.ts";

function record(patch: Partial<TaskRecord>): TaskRecord {
  const task = Task.parse({
    v: 1,
    id: "email-abc",
    createdAt: new Date().toISOString(),
    source: { kind: "email" },
    prompt: "x",
  });
  return { ...newRecord(task), ...patch };
}

describe("reply texts", () => {
  it("states the outcome, the summary and where the work is", () => {
    const text = outcomeText(
      record({
        state: "succeeded",
        result: {
          outcome: "succeeded",
          summary: "Added NOTES.md.",
          pushed: true,
          branch: "nightshift/email-abc",
          pullRequestUrl: "https://git.example.test/pr/1",
        },
      }),
      ["ignored because there is a summary"],
    );
    expect(text).toContain("Task email-abc is done.");
    expect(text).toContain("Summary:\nAdded NOTES.md.");
    expect(text).not.toContain("ignored because");
    expect(text).toContain("Pull request: https://git.example.test/pr/1");
    expect(text).toContain("Branch: nightshift/email-abc (pushed)");
  });

  it("gives the reason of a failure and the end of the output when there is no summary", () => {
    const text = outcomeText(
      record({
        state: "failed",
        reason: "timeout",
        detail: "exceeded the 60 s time limit",
        result: { outcome: "timeout", pushed: false },
      }),
      ["step 1", "step 2"],
    );
    expect(text).toContain("Task email-abc failed (timeout: exceeded the 60 s time limit).");
    expect(text).toContain("Last output:\n  step 1\n  step 2");
    expect(approvalText(record({ state: "waiting", detail: "Plan: X" }))).toContain(
      'Task email-abc is waiting for your approval.\n\nPlan: X\n\nReply to this mail with "approve" or "reject"',
    );
  });
});
