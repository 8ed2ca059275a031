import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalOf, cancelTask, submitTask } from "@nightshift/client";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import { startTestNats, type TestNats } from "@nightshift/testkit";
import { runCli } from "../run.ts";

let nats: TestNats;
let host: InProcessServices;

beforeAll(async () => {
  nats = await startTestNats();
  // No executor: submitted tasks stay queued, which is all the decision needs.
  host = await startInProcess([], { natsUrl: nats.url });
});
afterAll(async () => {
  await host.stop();
  await nats.dispose();
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: { NATS_URL: nats.url },
    cwd: process.cwd(),
  });
  return { code, out, err };
}

describe("nightshift approve / reject", () => {
  it("writes the decision for a supervised task to the control bucket", async () => {
    const { task } = await submitTask(host.bus, { prompt: "careful work", mode: "supervised" });
    const approved = await cli("approve", task.id, "--message", "looks right");
    expect(approved).toMatchObject({ code: 0, err: "" });
    expect(approved.out).toMatch(new RegExp(`^${task.id} approved by cli:`));
    expect(await approvalOf(host.bus, task.id)).toMatchObject({
      decision: "approve",
      message: "looks right",
      by: expect.stringMatching(/^cli:/) as string,
    });

    const rejected = await cli("reject", task.id, "-m", "changed my mind");
    expect(rejected.code).toBe(0);
    expect(await approvalOf(host.bus, task.id)).toMatchObject({
      decision: "reject",
      message: "changed my mind",
    });
  });

  it("refuses finished and unknown tasks, and a missing id", async () => {
    const { task: done } = await submitTask(host.bus, { prompt: "x", mode: "supervised" });
    await cancelTask(host.bus, done.id, "test");
    const finished = await cli("reject", done.id);
    expect(finished.code).toBe(1);
    expect(finished.err).toMatch(/already finished \(cancelled\)/);

    expect((await cli("approve", "no-such-task")).err).toMatch(/no task no-such-task/);
    const missing = await cli("approve");
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/a task id is required/);
  });
});
