import { describe, expect, it } from "vitest";
import type { CheckInput } from "./check-input.ts";
import { check } from "./checker.ts";

const REPO = "/repos/a.git";

/** Three tasks on one repository, run one after the other, each delivered once. */
function history(): CheckInput {
  const ids = ["t1", "t2", "t3"];
  return {
    submitted: [
      ...ids.map((id) => ({ id, repo: REPO, expect: "succeed" as const, via: "client" })),
      { id: "d1", repo: REPO, expect: "dead", via: "client" },
    ],
    malformed: ["bad-1"],
    records: [
      ...ids.map((id) => ({ id, state: "succeeded", attempts: 1 })),
      { id: "d1", state: "failed", attempts: 0, reason: "unknown-backend" },
    ],
    queued: [],
    executions: ids.map((id, i) => ({
      taskId: id,
      attempt: 1,
      fence: 10 + i,
      pid: 100 + i,
      start: 1000 * i,
      end: 1000 * i + 500,
    })),
    pushes: ids.map((id, i) => ({ repo: REPO, taskId: id, at: 1000 * i + 600, fences: [10 + i] })),
    delivered: ids.map((taskId) => ({ taskId, effects: 1 })),
    completions: { t1: 1, t2: 1, t3: 1 },
    dlq: [
      { seq: 1, taskId: "d1", reason: "unknown-backend", body: "{}" },
      { seq: 2, reason: "invalid-payload", body: "{not json bad-1" },
    ],
    crashes: [],
    maxAgentMs: 2_000,
  };
}

describe("check", () => {
  it("passes a history where every task was delivered once", () => {
    const r = check(history());
    expect(r.failures).toEqual([]);
    expect(r.counts).toEqual({
      "completed-once": 4,
      duplicated: 0,
      lost: 0,
      pending: 0,
      "wrong-outcome": 0,
    });
  });

  it("accepts a re-run after a crash when the effect landed once", () => {
    const h = history();
    h.executions.push({ taskId: "t3", attempt: 2, fence: 13, pid: 200, start: 4000, end: 4500 });
    h.executions[2] = { taskId: "t3", attempt: 1, fence: 12, pid: 102, start: 2000 };
    h.crashes = [2200];
    h.records[2] = { id: "t3", state: "succeeded", attempts: 2 };
    const r = check(h);
    expect(r.failures).toEqual([]);
    expect(r.reExecuted).toBe(1);
  });

  it("fails when a side effect was delivered twice", () => {
    const h = history();
    h.delivered[1] = { taskId: "t2", effects: 2 };
    const r = check(h);
    expect(r.counts.duplicated).toBe(1);
    expect(r.tasks.find((t) => t.id === "t2")?.class).toBe("duplicated");
    expect(r.failures.join("\n")).toMatch(/1 task\(s\) duplicated: t2/);
  });

  it("fails when a task completed twice", () => {
    const h = history();
    h.completions["t1"] = 2;
    expect(check(h).counts.duplicated).toBe(1);
  });

  it("fails when a task is lost: no record, no message", () => {
    const h = history();
    h.records = h.records.filter((r) => r.id !== "t2");
    h.delivered = h.delivered.filter((d) => d.taskId !== "t2");
    const r = check(h);
    expect(r.counts.lost).toBe(1);
    expect(r.failures.join("\n")).toMatch(/1 task\(s\) lost: t2 \(no record and no message\)/);
  });

  it("fails when a task is recorded as done but nothing was delivered", () => {
    const h = history();
    h.delivered = h.delivered.filter((d) => d.taskId !== "t1");
    expect(check(h).tasks.find((t) => t.id === "t1")).toMatchObject({
      class: "lost",
      why: "recorded as succeeded; nothing delivered",
    });
  });

  it("tells a stalled task (message still queued) from a lost one (none left)", () => {
    const h = history();
    h.records[0] = { id: "t1", state: "waiting", attempts: 1 };
    h.records[1] = { id: "t2", state: "running", attempts: 2 };
    h.queued = ["t1"];
    const r = check(h);
    expect(r.tasks.find((t) => t.id === "t1")?.class).toBe("pending");
    expect(r.tasks.find((t) => t.id === "t2")?.class).toBe("lost");
    expect(r.failures).toHaveLength(2);
  });

  it("fails a wrong outcome, and a task that should have been refused but ran", () => {
    const h = history();
    h.records[0] = { id: "t1", state: "failed", attempts: 1, reason: "exit-code" };
    h.executions.push({ taskId: "d1", attempt: 1, fence: 20, pid: 9, start: 9000, end: 9100 });
    const r = check(h);
    expect(r.counts["wrong-outcome"]).toBe(2);
  });

  it("fails when two lease holders ran on one repository at once", () => {
    const h = history();
    h.executions[1] = { ...h.executions[1]!, start: 400 };
    const r = check(h);
    // t2's agent started while t1's ran; t1's push then landed after t2 had started
    expect(r.leaseViolations.map((v) => v.kind)).toEqual(["overlap", "stale-write"]);
    expect(r.failures.join("\n")).toMatch(/lease violation/);
  });

  it("bounds an agent killed with its executor by the kill, not by forever", () => {
    const h = history();
    delete h.executions[0]!.end;
    expect(check(h).leaseViolations).toHaveLength(1);
    h.crashes = [0];
    expect(check(h).leaseViolations).toEqual([]);
  });

  it("fails a push by a holder whose lease was taken over (a zombie's late write)", () => {
    const h = history();
    h.pushes[0] = { ...h.pushes[0]!, at: 1200 };
    const r = check(h);
    expect(r.leaseViolations).toEqual([
      expect.objectContaining({ kind: "stale-write", repo: REPO }),
    ]);
  });

  it("fails fences that go backwards and writes no run can account for", () => {
    const h = history();
    h.executions[2] = { ...h.executions[2]!, fence: 5 };
    h.pushes[2] = { ...h.pushes[2]!, fences: [12] };
    const kinds = check(h).leaseViolations.map((v) => v.kind);
    expect(kinds).toContain("fence-order");
    expect(kinds).toContain("untraceable-write");
  });

  it("holds a GitHub task to one pull request and one status comment, and an issue to one task", () => {
    const h = history();
    h.submitted[0] = { ...h.submitted[0]!, via: "poller", expectPull: true };
    h.pulls = { t1: 1 };
    h.comments = { t1: 1 };
    h.triggers = [{ issue: 1, tasks: ["t1"] }];
    expect(check(h).failures).toEqual([]);
    h.pulls = { t1: 2 };
    expect(check(h).tasks.find((t) => t.id === "t1")?.class).toBe("duplicated");
    h.pulls = {};
    expect(check(h).tasks.find((t) => t.id === "t1")?.why).toBe("delivered; no pull request");
    h.pulls = { t1: 1 };
    h.triggers = [
      { issue: 1, tasks: ["t1"] },
      { issue: 2, tasks: [] },
      { issue: 3, tasks: ["t2", "t3"] },
    ];
    const r = check(h);
    expect(r.tasks.find((t) => t.id === "issue#2")?.class).toBe("lost");
    expect(r.tasks.find((t) => t.id === "issue#3")?.class).toBe("duplicated");
  });

  it("fails a dead letter without a reason, a malformed message that vanished, and unknown tasks", () => {
    const h = history();
    h.dlq[0] = { ...h.dlq[0]!, reason: "" };
    h.dlq[1] = { ...h.dlq[1]!, body: "other" };
    h.executions.push({ taskId: "zz", attempt: 1, fence: 99, pid: 1, start: 9000, end: 9001 });
    const r = check(h);
    expect(r.dlqWithoutReason).toHaveLength(1);
    expect(r.malformedMissing).toEqual(["bad-1"]);
    expect(r.unexpected).toEqual(["zz"]);
    expect(r.failures).toHaveLength(3);
  });
});
