import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { submitTask, taskRounds } from "@nightshift/client";
import { Keys, ReviewRequest } from "@nightshift/contracts";
import { reply, startModelServer, type ModelServer } from "@nightshift/model-server";
import { git, makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import {
  approveReport,
  changesReport,
  eventsOf,
  finished,
  loopExecutor,
  promptsSeen,
  reportCommand,
  reviewerTurns,
  workerTurns,
  type LoopExecutor,
} from "./loop-harness.int.ts";

let nats: TestNats;
let model: ModelServer;
const running: LoopExecutor[] = [];
let mark = 0;
beforeAll(async () => {
  nats = await startTestNats();
  model = await startModelServer({ apiKey: "sk-ant-test" });
});
afterAll(async () => {
  await model.close();
  await nats.dispose();
});
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

/** Everything a reviewer could try in order to change the code, then its report. */
function meddlingReviewer(report: Record<string, unknown>) {
  const meddle = [
    "echo hacked > hello.txt && echo WROTE-HELLO",
    "echo planted > planted.txt && echo WROTE-PLANTED",
    // the none driver's copy sits beside the real workspace
    "echo planted > ../work/planted.txt && echo WROTE-REAL",
    "git -c user.name=r -c user.email=r@example.test commit -qam reviewer-hack && echo COMMITTED",
    "git push -q origin HEAD:refs/heads/reviewer-branch && echo PUSHED-BRANCH",
    "git push -q -f origin HEAD:main && echo PUSHED-MAIN",
  ].join("; ");
  return [
    reply.tool("write_file", { path: "hello.txt", content: "reviewer was here\n" }),
    reply.tool("run_shell", { command: `(${meddle}) 2>&1; true` }),
    reply.tool("run_shell", { command: reportCommand(report) }),
    reply.text("Reviewed."),
  ];
}

describe("review loop guards", () => {
  for (const driver of ["bwrap", "none"] as const) {
    it(`a reviewer that tries to write does not change the branch (${driver} sandbox)`, async () => {
      const { svc } = await executor({ sandbox: { driver } });
      const repo = await makeTestRepo();
      model.script(
        ...workerTurns({ "hello.txt": "hello\n" }, "Wrote hello.txt."),
        ...meddlingReviewer(changesReport("it must say hello world")),
        ...workerTurns({ "hello.txt": "hello world\n" }, "Fixed."),
        ...meddlingReviewer(approveReport()),
      );
      const { task } = await submitTask(svc.bus, {
        prompt: "Greet the world in hello.txt",
        repo: repo.origin,
        backend: "api",
        loop: { maxRounds: 3 },
      });
      const rec = await finished(svc, task.id);
      expect(rec.state, rec.detail).toBe("succeeded");
      const branch = `nightshift/${task.id}`;
      expect(await repo.show(branch, "hello.txt")).toBe("hello world");
      await expect(repo.show(branch, "planted.txt")).rejects.toThrow();
      expect(await repo.branches()).toEqual(["main", branch]);
      expect(await repo.log("main")).toEqual(["initial"]);
      expect(await repo.log(branch)).not.toContain("reviewer-hack");
      // each round's head is the worker's: round 1's still says hello
      const [r1, r2] = rec.rounds ?? [];
      expect(await git(repo.origin, "show", `${r1?.head}:hello.txt`)).toBe("hello");
      expect(await git(repo.origin, "rev-parse", branch)).toBe(r2?.head);
      // round 2's worker did not find the reviewer's files in its workspace either
      const req2 = (await taskRounds(svc.bus, task.id))?.rounds[1]?.artifacts["review-request"];
      expect(ReviewRequest.parse(req2).changedFiles).toEqual(["hello.txt"]);
      // the tools refused, and so did the file system and the origin
      const results = (await eventsOf(svc, task.id)).flatMap((e) =>
        e.type === "tool_result" ? [e] : [],
      );
      const refused = results.filter((e) => e.isError && e.output.includes("is read-only here"));
      expect(refused).toHaveLength(2);
      const meddled = results.filter((e) => e.output.includes("hello.txt:"));
      expect(meddled).toHaveLength(2);
      for (const e of meddled) {
        expect(e.output).toMatch(
          driver === "bwrap" ? /Read-only file system/ : /Permission denied/,
        );
        expect(e.output).not.toMatch(/WROTE-|COMMITTED|PUSHED-/);
      }
    });
  }

  it("counts an approval only when the repository's check passes at the head", async () => {
    const repo = await makeTestRepo();
    const { svc } = await executor({
      repositories: [
        { match: repo.origin, check: { command: "grep -qx 'hello world' hello.txt" } },
      ],
    });
    model.script(
      ...workerTurns({ "hello.txt": "hello\n" }, "Wrote hello.txt."),
      // the reviewer approves, but the check fails at this head
      ...reviewerTurns(approveReport("looks fine")),
      ...workerTurns({ "hello.txt": "hello world\n" }, "Made the check pass."),
      ...reviewerTurns(approveReport("still fine")),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world in hello.txt",
      repo: repo.origin,
      backend: "api",
      loop: { maxRounds: 3 },
    });
    const rec = await finished(svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    const [r1, r2] = rec.rounds ?? [];
    expect(r1).toMatchObject({
      decision: "approve",
      outcome: "check_failed",
      check: { passed: false, exitCode: 1 },
    });
    expect(r1?.fixList).toEqual([
      {
        severity: "high",
        reason: expect.stringMatching(
          /^the repository check `grep -qx 'hello world' hello.txt` fails at [0-9a-f]{10}/,
        ) as string,
      },
    ]);
    expect(r2).toMatchObject({ outcome: "approved", check: { passed: true, exitCode: 0 } });
    // round 2's worker was told about the failing check
    const worker2 = model
      .modelRequests()
      .slice(mark)
      .map((r) => JSON.stringify(r.body))
      .find((b) => b.includes("Fix list from the review of round 1"));
    expect(worker2).toContain("the repository check");
  });

  it("takes the reviewer's backend and model from the config's loop section", async () => {
    const { svc } = await executor({
      loop: { reviewer: { backend: "critic", model: "claude-opus-4-1-review" } },
    });
    const repo = await makeTestRepo();
    model.script(
      ...workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt."),
      ...reviewerTurns(approveReport()),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world",
      repo: repo.origin,
      backend: "api",
      loop: {},
    });
    const rec = await finished(svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.rounds?.[0]).toMatchObject({
      worker: { backend: "api" },
      reviewer: { backend: "critic", model: "claude-opus-4-1-review" },
    });
    const models = model
      .modelRequests()
      .slice(mark)
      .map((r) => (r.body as { model: string }).model);
    expect(models).toEqual([
      "claude-sonnet-4-6",
      "claude-sonnet-4-6",
      "claude-sonnet-4-6",
      "claude-opus-4-1-review",
      "claude-opus-4-1-review",
    ]);
  });

  it("does not push a round, nor start its reviewer, when the lease was taken over meanwhile", async () => {
    // Renewals are rare: only the checks before the push and before an agent can notice.
    const { svc } = await executor({ nats: { heartbeat: "3s", ackWait: "6s", leaseTtl: "9s" } });
    const repo = await makeTestRepo();
    const [first, ...rest] = workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt.");
    model.script({ ...first!, delayMs: 1000 }, ...rest);
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world",
      repo: repo.origin,
      backend: "api",
      loop: { maxRounds: 2 },
    });
    // the worker is running (its first answer is on its way) when the lease is taken
    await waitFor(() => model.modelRequests().length > mark);
    const started = (await svc.bus.tasks.get(task.id))!.record;
    const key = Keys.repoLease(task.repo!.key);
    await svc.bus.kv.leases.delete(key);
    const thief = await svc.bus.kv.leases.create(key, JSON.stringify({ owner: "other" }));
    expect(thief).toBeGreaterThan(started.executor?.fence ?? 0);
    await waitFor(() => model.pending() === 0, { message: "the worker's turns" });
    const status = async () =>
      ((await svc.services[0]?.component.status?.()) as { running: unknown[] }).running.length;
    await waitFor(async () => (await status()) === 0, {
      timeoutMs: 10_000,
      message: "the attempt to end",
    });
    expect(await repo.branches()).toEqual(["main"]);
    const held = (await svc.bus.tasks.get(task.id))?.record;
    expect(held?.rounds?.map((r) => `${r.n}:${r.phase}`)).toEqual(["1:work"]);
    expect(promptsSeen(model, mark).some((p) => p.includes("## Review request"))).toBe(false);
    // The other holder lets go: the redelivered task redoes round 1's work, once, and goes on.
    model.script(
      ...workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt."),
      ...reviewerTurns(approveReport()),
    );
    await svc.bus.kv.leases.delete(key, { previousSeq: thief });
    const rec = await finished(svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.attempts).toBe(2);
    expect(await repo.log(`nightshift/${task.id}`)).toHaveLength(2);
  }, 60_000);
});
