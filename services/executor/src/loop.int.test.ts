import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { submitTask, taskRounds } from "@nightshift/client";
import { reply, startModelServer, type ModelServer } from "@nightshift/model-server";
import { git, makeTestRepo, startTestNats, type TestNats } from "@nightshift/testkit";
import {
  approveReport,
  changesReport,
  eventsOf,
  finished,
  loopExecutor,
  promptsSeen,
  reviewerTurns,
  workerTurns,
  type LoopExecutor,
} from "./loop-harness.int.ts";
import type { ResultSink } from "./result-sink.ts";

let nats: TestNats;
let model: ModelServer;
const running: LoopExecutor[] = [];
beforeAll(async () => {
  nats = await startTestNats();
  model = await startModelServer({ apiKey: "sk-ant-test" });
});
afterAll(async () => {
  await model.close();
  await nats.dispose();
});
/** Requests the model server had before this test. */
let mark = 0;
beforeEach(() => {
  mark = model.modelRequests().length;
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.svc.forceStop()));
  expect(model.pending()).toBe(0);
  model.clear();
});

async function executor(extra: Record<string, unknown> = {}): Promise<LoopExecutor> {
  const e = await loopExecutor(nats.url, model, extra);
  running.push(e);
  return e;
}

const card = {
  goal: "Greet the world",
  acceptance: ["hello.txt says hello world"],
  constraints: ["touch only hello.txt"],
};

describe("review loop", () => {
  it("goes back to the worker with the fix list, then succeeds when the reviewer approves round 2", async () => {
    const { svc } = await executor();
    const repo = await makeTestRepo();
    model.script(
      ...workerTurns({ "hello.txt": "hello\n" }, "Wrote hello.txt."),
      ...reviewerTurns(changesReport("it must say hello world")),
      ...workerTurns({ "hello.txt": "hello world\n" }, "Now it says hello world."),
      ...reviewerTurns(approveReport("hello world, as asked")),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world in hello.txt",
      repo: repo.origin,
      backend: "api",
      card,
      loop: { maxRounds: 3, reviewer: { backend: "critic" } },
    });
    const rec = await finished(svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.result).toMatchObject({
      outcome: "approved",
      pushed: true,
      branch: `nightshift/${task.id}`,
      landing: { state: "ready-for-review", detail: "landing is not enabled for this repository" },
    });
    expect(rec.round).toBe(2);
    const [r1, r2] = rec.rounds ?? [];
    expect(r1).toMatchObject({ n: 1, phase: "done", decision: "changes_required" });
    expect(r1?.outcome).toBe("changes_required");
    expect(r1?.fixList).toEqual([
      { severity: "high", file: "hello.txt", line: 1, reason: "it must say hello world" },
    ]);
    expect(r2).toMatchObject({ n: 2, phase: "done", decision: "approve", outcome: "approved" });
    expect(r2?.head).toBe(rec.result?.commit);
    expect(r1?.head).not.toBe(r2?.head);
    expect(await repo.show(`nightshift/${task.id}`, "hello.txt")).toBe("hello world");
    // the base branch is untouched: landing is off by default
    expect(await repo.log("main")).toEqual(["initial"]);

    // the worker of round 2 was given round 1's fix list and a summary of round 1
    const prompts = promptsSeen(model, mark);
    const round2Worker = prompts.find((p) => p.includes("Fix list from the review of round 1"));
    expect(round2Worker).toContain("- [high] hello.txt:1: it must say hello world");
    expect(round2Worker).toContain("- Round 1 (head");
    // the reviewer saw the request: acceptance criteria, the diff and the worker's report
    const review1 = prompts.find((p) => p.includes("## Review request (round 1)"));
    expect(review1).toContain("- hello.txt says hello world");
    expect(review1).toContain("+hello");
    expect(review1).toContain("Wrote hello.txt.");
    // the reviewer ran on its own backend (and model)
    const models = model
      .modelRequests()
      .slice(mark)
      .map((r) => (r.body as { model: string }).model);
    expect(models.filter((m) => m === "claude-opus-4-1")).toHaveLength(4);

    const view = await taskRounds(svc.bus, task.id);
    expect(view?.maxRounds).toBe(3);
    expect(view?.rounds.map((r) => Object.keys(r.artifacts).sort())).toEqual([
      ["fix-list", "review-report", "review-request", "work-report"],
      ["review-report", "review-request", "work-report"],
    ]);
    const req2 = view?.rounds[1]?.artifacts["review-request"] as Record<string, unknown>;
    expect(req2).toMatchObject({
      round: 2,
      head: r2?.head,
      changedFiles: ["hello.txt"],
      fixList: r1?.fixList,
      workReport: { status: "done", summary: "Now it says hello world." },
    });
    expect(view?.rounds[0]?.artifacts["fix-list"]).toEqual({ round: 1, items: r1?.fixList });

    const rounds = (await eventsOf(svc, task.id)).filter((e) => e.type === "round");
    expect(rounds.map((e) => `${e.round}:${e.phase}`)).toEqual([
      "1:work",
      "1:work-report",
      "1:review-request",
      "1:review",
      "1:review-report",
      "1:fix-list",
      "2:work",
      "2:work-report",
      "2:review-request",
      "2:review",
      "2:review-report",
      "2:approved",
    ]);
  });

  it("fails the round with invalid_review_report when the report is malformed, never approving", async () => {
    const { svc } = await executor();
    const repo = await makeTestRepo();
    model.script(
      ...workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt."),
      // "lgtm" is no decision, and the approval has no head
      reply.tool("write_file", {
        path: ".nightshift/review/report.json",
        content: JSON.stringify({ decision: "lgtm", summary: "fine" }),
      }),
      reply.text("Approved!"),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world in hello.txt",
      repo: repo.origin,
      backend: "api",
      loop: { maxRounds: 3 },
    });
    const rec = await finished(svc, task.id);
    expect(rec.state).toBe("failed");
    expect(rec.reason).toBe("invalid_review_report");
    expect(rec.detail).toMatch(/^round 1: the report does not match its schema: decision: .*head/);
    expect(rec.result?.outcome).toBe("invalid_review_report");
    expect(rec.rounds?.[0]).toMatchObject({ phase: "done", outcome: "invalid_review_report" });
    expect(rec.rounds?.[0]?.decision).toBeUndefined();
    const view = await taskRounds(svc.bus, task.id);
    expect(view?.rounds[0]?.artifacts["review-report"]).toMatchObject({
      invalid: expect.stringMatching(/does not match its schema/) as string,
      text: '{"decision":"lgtm","summary":"fine"}',
    });
  });

  it("does not take an approval for another commit than the head under review", async () => {
    const { svc } = await executor();
    const repo = await makeTestRepo();
    model.script(
      ...workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt."),
      reply.tool("write_file", {
        path: ".nightshift/review/report.json",
        content: JSON.stringify({ ...approveReport(), head: "0000000000" }),
      }),
      reply.text("Approved."),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world",
      repo: repo.origin,
      backend: "api",
      loop: { maxRounds: 2 },
    });
    const rec = await finished(svc, task.id);
    expect(rec.reason).toBe("invalid_review_report");
    expect(rec.detail).toContain(
      "the report is about commit 0000000000, but the head under review is",
    );
  });

  it("ends as NOOP when a round's worker changes nothing", async () => {
    const { svc } = await executor();
    const repo = await makeTestRepo();
    model.script(
      ...workerTurns({ "hello.txt": "hello\n" }, "Wrote hello.txt."),
      ...reviewerTurns(changesReport("it must say hello world")),
      // round 2: the worker only reports, changing nothing
      ...workerTurns({}, "Nothing to change."),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world",
      repo: repo.origin,
      backend: "api",
      loop: { maxRounds: 3 },
    });
    const rec = await finished(svc, task.id);
    expect(rec.state).toBe("failed");
    expect(rec.reason).toBe("noop");
    expect(rec.detail).toBe("the worker made no change in round 2");
    expect(rec.rounds?.map((r) => r.outcome)).toEqual(["changes_required", "noop"]);
    // round 1's work stays on the branch; nothing reviewed round 2
    expect(rec.result).toMatchObject({
      outcome: "noop",
      pushed: true,
      commit: rec.rounds?.[0]?.head,
    });
    // round 1 was reviewed, round 2 never
    const reviews = promptsSeen(model, mark).filter((p) => p.includes("## Review request"));
    expect(reviews.length).toBeGreaterThan(0);
    expect(reviews.filter((p) => !p.includes("## Review request (round 1)"))).toEqual([]);

    const first = await executor();
    model.script(...workerTurns({}, "Nothing needed."));
    const { task: t2 } = await submitTask(first.svc.bus, {
      prompt: "Greet the world",
      repo: repo.origin,
      backend: "api",
      loop: { maxRounds: 3 },
    });
    const r2 = await finished(first.svc, t2.id);
    expect(r2.reason).toBe("noop");
    expect(r2.detail).toBe("the worker made no change in round 1");
    expect(r2.result?.pushed).toBe(false);
    expect(await repo.branches()).not.toContain(`nightshift/${t2.id}`);
  });

  it("ends with max_rounds_exhausted and the last fix list visible", async () => {
    const { svc } = await executor();
    const repo = await makeTestRepo();
    model.script(
      ...workerTurns({ "hello.txt": "hello\n" }, "Wrote hello."),
      ...reviewerTurns(changesReport("say hello world")),
      ...workerTurns({ "hello.txt": "hello wrld\n" }, "Fixed."),
      ...reviewerTurns(changesReport("typo: wrld", "hello.txt")),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world",
      repo: repo.origin,
      backend: "api",
      loop: { maxRounds: 2 },
    });
    const rec = await finished(svc, task.id);
    expect(rec.state).toBe("failed");
    expect(rec.reason).toBe("max_rounds_exhausted");
    expect(rec.detail).toBe(
      "no approval after 2 round(s); the last review left 1 open item(s): [high] hello.txt: typo: wrld",
    );
    expect(rec.rounds?.[1]?.fixList).toEqual([
      { severity: "high", file: "hello.txt", line: 1, reason: "typo: wrld" },
    ]);
    expect(rec.result).toMatchObject({ outcome: "max_rounds_exhausted", pushed: true });
    expect(await repo.show(`nightshift/${task.id}`, "hello.txt")).toBe("hello wrld");
    const init = await git(repo.origin, "rev-parse", "main");
    expect(rec.result?.commit).not.toBe(init);
  });

  it("ends on the task's cost limit as its own outcome, with the round it stopped in", async () => {
    const { svc } = await executor();
    const repo = await makeTestRepo();
    model.script(...workerTurns({ "hello.txt": "hello\n" }, "Wrote hello.txt."));
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world",
      repo: repo.origin,
      backend: "api",
      maxCostUsd: 0.005,
      loop: { maxRounds: 3 },
    });
    const rec = await finished(svc, task.id);
    // the worker was stopped mid-round: its last scripted turns were never asked for
    model.clear();
    expect(rec.state).toBe("failed");
    expect(rec.reason).toBe("budget");
    expect(rec.rounds?.map((r) => `${r.n}:${r.phase}:${r.outcome}`)).toEqual(["1:done:budget"]);
    expect(rec.usage.costUsd).toBeGreaterThanOrEqual(0.005);
    expect(promptsSeen(model, mark).some((p) => p.includes("## Review request"))).toBe(false);
  });

  it("never repeats an approved round: a delivery that failed after approval is retried without the agents", async () => {
    let failures = 1;
    const flaky: ResultSink = {
      name: "flaky",
      accepts: (r) => r.state === "succeeded",
      deliver() {
        if (failures-- > 0) return Promise.reject(new Error("the sink is down"));
        return Promise.resolve();
      },
    };
    const e = await loopExecutor(nats.url, model, {}, [flaky]);
    running.push(e);
    const repo = await makeTestRepo();
    model.script(
      ...workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt."),
      ...reviewerTurns(approveReport()),
    );
    const { task } = await submitTask(e.svc.bus, {
      prompt: "Greet the world",
      repo: repo.origin,
      backend: "api",
      loop: { maxRounds: 3 },
    });
    const rec = await finished(e.svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.attempts).toBe(2);
    expect(rec.transitions.map((t) => `${t.state}${t.reason ? `:${t.reason}` : ""}`)).toContain(
      "queued:sink-flaky",
    );
    expect(rec.rounds?.map((r) => `${r.n}:${r.outcome}`)).toEqual(["1:approved"]);
    // one worker run (3 requests) and one review (2): nothing ran again
    expect(model.modelRequests().length - mark).toBe(5);
    const rounds = (await eventsOf(e.svc, task.id)).filter((x) => x.type === "round");
    expect(rounds.map((x) => `${x.attempt}:${x.round}:${x.phase}`).slice(-2)).toEqual([
      "2:1:resumed",
      "2:1:approved",
    ]);
  });
});
