import { describe, expect, it } from "vitest";
import type { GhCheckRun } from "@nightshift/github";
import { mentionInstruction } from "./comment-triggers.ts";
import { parseDispatchIssue } from "./dispatch-format.ts";
import { failingChecks } from "./pull-triggers.ts";

describe("dispatch issues in the seed format", () => {
  it("reads instructions, target and metadata as the seed dispatcher writes them", () => {
    const body = [
      "**Task ID:** abc",
      "**Target:** repo `acme/api`",
      "",
      "## Instructions",
      "Fix the login bug.",
      "Keep the API stable.",
      "",
      "<!-- agent_task_metadata",
      '{"task_id": "abc", "user_id": "u1", "provider": "github_issue_dispatch"}',
      "-->",
    ].join("\n");
    expect(parseDispatchIssue(body)).toEqual({
      instructions: "Fix the login bug.\nKeep the API stable.",
      target: "acme/api",
      metadata: { task_id: "abc", user_id: "u1", provider: "github_issue_dispatch" },
    });
  });

  it("takes the instruction from the metadata, stops at the next heading, and refuses an empty issue", () => {
    expect(
      parseDispatchIssue('<!-- agent_task_metadata {"task_id":"x","instruction":"Do X"} -->')
        ?.instructions,
    ).toBe("Do X");
    expect(parseDispatchIssue("## Instruction\nOne\n## Notes\nTwo")?.instructions).toBe("One");
    expect(parseDispatchIssue("Target Repository: acme/x\n## Instructions\nGo")?.target).toBe(
      "acme/x",
    );
    expect(parseDispatchIssue("just text")).toBeUndefined();
    expect(parseDispatchIssue(null)).toBeUndefined();
    expect(parseDispatchIssue("<!-- agent_task_metadata not json -->")).toBeUndefined();
  });
});

describe("mentions", () => {
  it("finds an instruction addressed to the agent, and only to it", () => {
    expect(mentionInstruction("@nightshift-bot please fix the build", "nightshift-bot")).toBe(
      "please fix the build",
    );
    expect(mentionInstruction("Hey @NightShift-Bot, rename x", "nightshift-bot")).toBe(
      "Hey , rename x",
    );
    expect(mentionInstruction("@nightshift-bot", "nightshift-bot")).toBeUndefined();
    expect(mentionInstruction("@nightshift-bot-helper do it", "nightshift-bot")).toBeUndefined();
    expect(mentionInstruction("mail me at x@nightshift-bot.dev", "nightshift-bot")).toBeUndefined();
    expect(mentionInstruction("@greptileai review", "nightshift-bot")).toBeUndefined();
  });
});

describe("failing checks", () => {
  const run = (name: string, status: string, conclusion: string | null): GhCheckRun => ({
    id: 1,
    name,
    status,
    conclusion,
  });
  it("waits for every check, and counts every failing conclusion and failed statuses", () => {
    expect(failingChecks([run("a", "in_progress", null)], undefined)).toBeUndefined();
    const status = {
      state: "failure",
      sha: "x",
      statuses: [{ id: 1, context: "ci/jenkins", state: "error", description: "broke" }],
    };
    expect(
      failingChecks(
        [
          "failure",
          "timed_out",
          "cancelled",
          "action_required",
          "startup_failure",
          "success",
          "neutral",
          "skipped",
          "stale",
        ].map((c) => run(c, "completed", c)),
        status,
      )?.map((f) => f.name),
    ).toEqual([
      "failure",
      "timed_out",
      "cancelled",
      "action_required",
      "startup_failure",
      "ci/jenkins",
    ]);
    expect(
      failingChecks([], {
        state: "pending",
        sha: "x",
        statuses: [{ id: 2, context: "c", state: "pending" }],
      }),
    ).toBeUndefined();
    expect(failingChecks([run("ok", "completed", "success")], undefined)).toEqual([]);
  });
});
