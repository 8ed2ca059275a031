import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { submitTask } from "@nightshift/client";
import { startModelServer, type ModelServer } from "@nightshift/model-server";
import { git, makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import {
  approveReport,
  finished,
  loopExecutor,
  reviewerTurns,
  workerTurns,
  type LoopExecutor,
} from "./loop-harness.int.ts";

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
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.svc.forceStop()));
  expect(model.pending()).toBe(0);
  model.clear();
});

async function executor(extra: Record<string, unknown>): Promise<LoopExecutor> {
  const e = await loopExecutor(nats.url, model, extra);
  running.push(e);
  return e;
}

const policy = (match: string, paths: string[] = []) => ({
  match,
  check: { command: "grep -qx 'hello world' hello.txt" },
  landing: { enabled: true, paths },
});

describe("policy-gated landing of an approved loop", () => {
  it("fast-forwards the base branch to the approved head when the repository and paths allow it", async () => {
    const repo = await makeTestRepo();
    const { svc } = await executor({ repositories: [policy(repo.origin, ["hello.txt"])] });
    model.script(
      ...workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt."),
      ...reviewerTurns(approveReport()),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world in hello.txt",
      repo: repo.origin,
      backend: "api",
      loop: { maxRounds: 2 },
    });
    const rec = await finished(svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    const head = rec.rounds?.[0]?.head;
    expect(rec.result?.landing).toEqual({
      state: "landed",
      commit: head,
      detail: "fast-forward into main",
    });
    expect(await git(repo.origin, "rev-parse", "main")).toBe(head);
    expect(await repo.show("main", "hello.txt")).toBe("hello world");
  });

  it("merges when the base branch moved meanwhile", async () => {
    const repo = await makeTestRepo();
    const { svc } = await executor({ repositories: [policy(repo.origin)] });
    const [first, ...rest] = workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt.");
    // the worker's first answer waits until someone else pushed to main
    model.script({ ...first!, delayMs: 1500 }, ...rest, ...reviewerTurns(approveReport()));
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world in hello.txt",
      repo: repo.origin,
      backend: "api",
      loop: {},
    });
    // round 1 has started: its workspace was made from main as it was
    await waitFor(async () => (await svc.bus.tasks.get(task.id))?.record.rounds?.[0]);
    const other = await git(repo.origin, "rev-parse", "main");
    // an empty commit is enough: main no longer is an ancestor of the task's head
    const moved = await git(
      repo.origin,
      "commit-tree",
      `${other}^{tree}`,
      "-p",
      other,
      "-m",
      "someone else's change",
    );
    await git(repo.origin, "update-ref", "refs/heads/main", moved, other);
    const rec = await finished(svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    const head = rec.rounds?.[0]?.head ?? "";
    expect(rec.result?.landing).toMatchObject({ state: "landed", detail: "merge into main" });
    const landed = await git(repo.origin, "rev-parse", "main");
    expect(landed).toBe(rec.result?.landing?.commit);
    expect(await git(repo.origin, "rev-parse", `${landed}^1`, `${landed}^2`)).toBe(
      `${moved}\n${head}`,
    );
    expect(await repo.show("main", "hello.txt")).toBe("hello world");
  });

  it("stops at ready for review for a changed file outside the paths, or a repository not allowed", async () => {
    const repo = await makeTestRepo();
    const elsewhere = await makeTestRepo();
    const { svc } = await executor({
      repositories: [policy(elsewhere.origin), policy(repo.origin, ["src/**"])],
    });
    model.script(
      ...workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt."),
      ...reviewerTurns(approveReport()),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world in hello.txt",
      repo: repo.origin,
      backend: "api",
      loop: {},
    });
    const rec = await finished(svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.result?.landing).toEqual({
      state: "ready-for-review",
      detail: "changed files outside landing.paths: hello.txt",
    });
    expect(await repo.log("main")).toEqual(["initial"]);

    const other = await makeTestRepo();
    model.script(
      ...workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt."),
      ...reviewerTurns(approveReport()),
    );
    const { task: t2 } = await submitTask(svc.bus, {
      prompt: "Greet the world in hello.txt",
      repo: other.origin,
      backend: "api",
      loop: {},
    });
    const r2 = await finished(svc, t2.id);
    expect(r2.state, r2.detail).toBe("succeeded");
    expect(r2.result?.landing).toEqual({
      state: "ready-for-review",
      detail: "landing is not enabled for this repository",
    });
    expect(await other.log("main")).toEqual(["initial"]);
  });
});
