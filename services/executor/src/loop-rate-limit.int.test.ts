import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { submitTask } from "@nightshift/client";
import { reply, startModelServer, type ModelServer } from "@nightshift/model-server";
import { makeTestRepo, startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import {
  approveReport,
  finished,
  loopExecutor,
  reviewerTurns,
  workerTurns,
  type LoopExecutor,
} from "./loop-harness.int.ts";
import { tripBreaker } from "./rate-limit-breaker.ts";

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

async function executor(): Promise<LoopExecutor> {
  const e = await loopExecutor(nats.url, model);
  running.push(e);
  return e;
}

/** The models asked since the test began, in order. */
const modelsAsked = () =>
  model
    .modelRequests()
    .slice(mark)
    .map((r) => (r.body as { model: string }).model);

describe("review loops and provider rate limits", () => {
  it("a reviewer's 429 sets the loop aside until the reset; the next attempt redoes only the review", async () => {
    const { svc } = await executor();
    const repo = await makeTestRepo();
    const resetAt = new Date(Date.now() + 2_000);
    model.script(
      ...workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt."),
      reply.rateLimited({ retryAfterSec: 2, resetAt }),
      ...reviewerTurns(approveReport()),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world",
      repo: repo.origin,
      backend: "api",
      loop: { reviewer: { backend: "critic" } },
    });
    const waiting = await waitFor(async () => {
      const r = (await svc.bus.tasks.get(task.id))?.record;
      return r?.state === "waiting" && r.waitReason === "rate-limited" ? r : undefined;
    });
    expect(waiting.rounds?.map((r) => `${r.n}:${r.phase}`)).toEqual(["1:review"]);
    const rec = await finished(svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.attempts).toBe(2);
    expect(rec.freeAttempts).toBe(1);
    expect(rec.rounds?.map((r) => `${r.n}:${r.outcome}`)).toEqual(["1:approved"]);
    // the worker ran once (3 requests); the reviewer was refused once, then ran (2)
    expect(modelsAsked()).toEqual([
      ...Array<string>(3).fill("claude-sonnet-4-6"),
      ...Array<string>(3).fill("claude-opus-4-1"),
    ]);
  });

  it("holds a loop back, spending no attempt, while its reviewer's backend is rate-limited", async () => {
    const { svc } = await executor();
    const repo = await makeTestRepo();
    const until = new Date(Date.now() + 1_500);
    await tripBreaker(svc.bus.kv.control, "critic", until, "test");
    model.script(
      ...workerTurns({ "hello.txt": "hello world\n" }, "Wrote hello.txt."),
      ...reviewerTurns(approveReport()),
    );
    const { task } = await submitTask(svc.bus, {
      prompt: "Greet the world",
      repo: repo.origin,
      backend: "api",
      loop: { reviewer: { backend: "critic" } },
    });
    const waiting = await waitFor(async () => {
      const r = (await svc.bus.tasks.get(task.id))?.record;
      return r?.state === "waiting" ? r : undefined;
    });
    expect(waiting.waitReason).toBe("rate-limited");
    expect(waiting.detail).toMatch(/^backend critic is rate-limited until /);
    expect(waiting.attempts).toBe(0);
    const rec = await finished(svc, task.id);
    expect(rec.state, rec.detail).toBe("succeeded");
    expect(rec.attempts).toBe(1);
    const ran = rec.transitions.find((t) => t.state === "running");
    expect(Date.parse(ran?.at ?? "")).toBeGreaterThanOrEqual(until.getTime() - 250);
  });
});
