import { describe, expect, it } from "vitest";
import type { Escalation, TaskEvent } from "@nightshift/contracts";
import { Subjects } from "@nightshift/contracts";
import { eventPublisher, publishTask } from "@nightshift/messaging";
import { waitFor } from "@nightshift/testkit";
import type { Notification, NotificationChannel } from "./channel.ts";
import { notifierHarness } from "./harness.int.ts";

const {
  bus: getBus,
  recv: getRecv,
  notifier,
  notifierConfig,
  drained,
  verified,
  queuedTask,
  finishRecord,
} = notifierHarness();

describe("notifier: progress and routing", () => {
  it("coalesces progress per task to one notification per interval; terminal events always go out", async () => {
    await notifier(
      notifierConfig({
        progressInterval: "1s",
        rules: [{ channels: ["hook", "slack"], on: ["running", "round", "succeeded"] }],
      }),
    );
    const id = await queuedTask("refactor the parser");
    await getBus().tasks.transition(id, "running");
    const ev = eventPublisher(getBus().js, id, 1);
    await ev.emitNow({ type: "state", state: "running" });
    await waitFor(() => getRecv().at("/ok/hook").length === 1, {
      message: "first progress at once",
    });
    for (const round of [1, 2, 3]) await ev.emitNow({ type: "round", round, phase: "review" });
    await waitFor(() => getRecv().at("/ok/hook").length === 2, { message: "coalesced progress" });
    const [first, second] = getRecv()
      .at("/ok/hook")
      .map((r) => ({
        at: r.at,
        body: JSON.parse(r.body) as { kind: string; events: TaskEvent[] },
      }));
    expect(first!.body.kind).toBe("progress");
    expect(first!.body.events.map((e) => e.type)).toEqual(["state"]);
    expect(second!.body.events.map((e) => (e.type === "round" ? e.round : e.type))).toEqual([
      1, 2, 3,
    ]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);

    // A round still waiting for its interval is dropped once the task has finished.
    await ev.emitNow({ type: "round", round: 4, phase: "review" });
    await getBus().tasks.transition(id, "succeeded");
    await ev.emitNow({ type: "state", state: "succeeded" });
    await waitFor(() => getRecv().at("/ok/hook").length === 3, { message: "terminal at once" });
    await drained();
    const bodies = getRecv()
      .at("/ok/hook")
      .map((r) => JSON.parse(r.body) as { kind: string });
    expect(bodies.map((b) => b.kind)).toEqual(["progress", "progress", "terminal"]);
    for (const s of getRecv().at("/slack")) expect(s.status).toBe(200);
    expect(getRecv().at("/slack")).toHaveLength(3);
  }, 30_000);

  it("routes escalations and source-thread notifications through the registered channel", async () => {
    const seen: Notification[] = [];
    const cliThread: NotificationChannel = {
      name: "cli-thread",
      accepts: (n) => n.kind !== "progress",
      send: (n) => {
        seen.push(n);
        return Promise.resolve();
      },
    };
    await notifier(
      notifierConfig({
        channels: {
          hook: { type: "webhook", url: `${getRecv().url}/ok/hook`, secretEnv: "HOOK_SECRET" },
          threads: { type: "source" },
        },
        rules: [
          { channels: ["hook"], on: ["escalation"], sources: ["github"] },
          { channels: ["threads"], on: ["succeeded", "escalation"] },
        ],
      }),
      { sourceThreads: { cli: () => cliThread } },
    );
    const esc: Escalation = {
      v: 1,
      id: "esc-ci-red",
      at: new Date().toISOString(),
      source: "github",
      rule: "red-ci",
      title: "main is red",
      reason: "needs a human",
      repo: "acme/web",
      attributes: {},
    };
    await getBus().js.publish(Subjects.escalation(esc.id), JSON.stringify(esc), {
      msgID: `esc:${esc.id}`,
    });
    const id = await queuedTask();
    await finishRecord(id, "succeeded");
    await eventPublisher(getBus().js, id, 1).emitNow({ type: "state", state: "succeeded" });
    // A schedule task has no registered thread channel: the source channel declines it.
    const { task: sched } = await publishTask(getBus(), {
      v: 1,
      id: "sched-x-1",
      createdAt: new Date().toISOString(),
      source: { kind: "schedule", attributes: { schedule: "x" } },
      prompt: "p",
    });
    await finishRecord(sched.id, "succeeded");
    await eventPublisher(getBus().js, sched.id, 1).emitNow({ type: "state", state: "succeeded" });
    await drained();
    const hooks = getRecv().at("/ok/hook");
    expect(hooks).toHaveLength(1);
    expect(JSON.parse(hooks[0]!.body)).toMatchObject({
      kind: "escalation",
      escalation: { id: "esc-ci-red" },
    });
    expect(verified(hooks[0]!)).toBe(true);
    expect(seen.map((n) => [n.kind, n.record?.id])).toEqual([["terminal", id]]);
  }, 30_000);
});
