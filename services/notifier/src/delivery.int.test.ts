import { describe, expect, it } from "vitest";
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { submitTask } from "@nightshift/client";
import { Consumers, Streams, Subjects } from "@nightshift/contracts";
import { executorService } from "@nightshift/executor";
import { eventPublisher } from "@nightshift/messaging";
import { waitFor } from "@nightshift/testkit";
import { blockKitProblems } from "./channels/block-kit-rules.int.ts";
import { notifierHarness } from "./harness.int.ts";

const {
  bus: getBus,
  recv: getRecv,
  stop,
  notifier,
  notifierConfig,
  drained,
  verified,
  outboxMails,
  terminal,
  queuedTask,
  finishRecord,
} = notifierHarness();

describe("notifier: delivery", () => {
  it("sends one signed notification per terminal task event on every channel, retrying only the failing one", async () => {
    const svc = await notifier(notifierConfig(), {}, [executorService({ env: process.env })]);
    const ok = await submitTask(svc.bus, { prompt: "echo all good", backend: "shell" });
    const bad = await submitTask(svc.bus, { prompt: "echo broken >&2; exit 3", backend: "shell" });
    const records = [await terminal(ok.task.id), await terminal(bad.task.id)];
    expect(records.map((r) => r.state)).toEqual(["succeeded", "failed"]);
    await waitFor(() => getRecv().at("/flaky", true).length === 2, {
      message: "flaky deliveries",
      timeoutMs: 15_000,
    });
    await drained();

    const hooks = getRecv().at("/ok/hook");
    expect(hooks).toHaveLength(2);
    expect(hooks.every(verified)).toBe(true);
    const bodies = hooks.map(
      (h) =>
        JSON.parse(h.body) as { kind: string; task: { id: string; state: string; usage: unknown } },
    );
    expect(bodies.map((b) => [b.task.id, b.task.state, b.kind]).sort()).toEqual(
      [
        [ok.task.id, "succeeded", "terminal"],
        [bad.task.id, "failed", "terminal"],
      ].sort(),
    );
    const deliveryIds = hooks.map((h) => String(h.headers["x-nightshift-delivery"]));
    expect(new Set(deliveryIds).size).toBe(2);

    // The flaky receiver: two failures then one success per notification, after the backoff.
    for (const id of deliveryIds) {
      const attempts = getRecv()
        .at("/flaky")
        .filter((r) => r.headers["x-nightshift-delivery"] === id);
      expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(90);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(190);
      expect(verified(attempts[2]!)).toBe(true);
      // The healthy webhook got it before the flaky one recovered, and only once.
      const hook = hooks.find((h) => h.headers["x-nightshift-delivery"] === id)!;
      expect(hook.at).toBeLessThan(attempts[2]!.at);
    }

    const slack = getRecv().at("/slack");
    expect(slack.map((s) => s.status)).toEqual([200, 200]);
    for (const s of slack) expect(blockKitProblems(JSON.parse(s.body))).toEqual([]);
    expect(slack.map((s) => (JSON.parse(s.body) as { text: string }).text).sort()).toEqual(
      ["❌ Failed: echo broken >&2; exit 3", "✅ Succeeded: echo all good"].sort(),
    );
    expect(slack.some((s) => s.body.includes("*Cost*") && s.body.includes("*Duration*"))).toBe(
      true,
    );
    expect(slack.some((s) => s.body.includes(`https://ns.example.com/tasks/${ok.task.id}`))).toBe(
      true,
    );

    const mails = await outboxMails();
    expect(mails).toHaveLength(2);
    expect(mails.map((m) => m.taskId).sort()).toEqual([ok.task.id, bad.task.id].sort());
    expect(mails[0]).toMatchObject({
      kind: "notification",
      to: ["ops@example.com"],
      cc: ["lead@example.com"],
    });

    const metrics = await (await svc.app.request("/metrics")).text();
    expect(metrics).toMatch(
      /nightshift_notifications_total\{channel="flaky",result="failed"[^}]*\} 4/,
    );
    expect(metrics).toMatch(
      /nightshift_notifications_total\{channel="flaky",result="sent"[^}]*\} 2/,
    );
  }, 60_000);

  it("never sends a terminal event twice across redeliveries, re-publishing and restarts", async () => {
    const cfg = notifierConfig({ rules: [{ channels: ["hook", "mail"] }] });
    const first = await notifier(cfg);
    const id = await queuedTask();
    await finishRecord(id, "succeeded");
    const event = {
      v: 1,
      taskId: id,
      at: new Date().toISOString(),
      attempt: 1,
      type: "state",
      state: "succeeded",
    };
    await getBus().js.publish(Subjects.event(id, "state"), JSON.stringify(event), {
      msgID: "first",
    });
    await waitFor(() => getRecv().at("/ok/hook").length === 1, { message: "first delivery" });
    // The same event published again (a producer retry outside the dedupe window).
    await getBus().js.publish(Subjects.event(id, "state"), JSON.stringify(event), {
      msgID: "second",
    });
    await drained();
    await stop(first);

    // Replay every event from the start, as after a consumer reset, into a new notifier.
    await getBus().jsm.consumers.delete(Streams.events, Consumers.notifier);
    await getBus().jsm.consumers.add(Streams.events, {
      durable_name: Consumers.notifier,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    await notifier(cfg);
    const other = await queuedTask();
    await finishRecord(other, "failed");
    await eventPublisher(getBus().js, other, 1).emitNow({
      type: "state",
      state: "failed",
      reason: "exit-code",
    });
    await waitFor(() => getRecv().at("/ok/hook").length === 2, {
      message: "the new event's delivery",
    });
    await drained();
    const ids = getRecv()
      .at("/ok/hook")
      .map((r) => (JSON.parse(r.body) as { task: { id: string } }).task.id);
    expect(ids).toEqual([id, other]);
    expect((await outboxMails()).map((m) => m.taskId)).toEqual([id, other]);
  }, 40_000);

  it("gives up on a channel after maxAttempts without holding back the others", async () => {
    const svc = await notifier(
      notifierConfig({
        maxAttempts: 3,
        channels: {
          hook: { type: "webhook", url: `${getRecv().url}/ok/hook`, secretEnv: "HOOK_SECRET" },
          down: { type: "webhook", url: `${getRecv().url}/down/hook`, secretEnv: "HOOK_SECRET" },
          slow: {
            type: "webhook",
            url: `${getRecv().url}/hang/hook`,
            secretEnv: "HOOK_SECRET",
            timeout: "300ms",
          },
        },
        rules: [{ channels: ["down", "slow", "hook"] }],
      }),
    );
    const id = await queuedTask();
    await finishRecord(id, "failed");
    await eventPublisher(getBus().js, id, 1).emitNow({ type: "state", state: "failed" });
    await drained();
    expect(
      getRecv()
        .at("/down")
        .map((r) => r.status),
    ).toEqual([503, 503, 503]);
    expect(getRecv().at("/ok/hook")).toHaveLength(1);
    expect(getRecv().at("/ok/hook")[0]!.at).toBeLessThan(getRecv().at("/down")[1]!.at);
    // A receiver that never answers is cut off at the channel's timeout, and retried like a failure.
    const hung = getRecv().at("/hang");
    expect(hung).toHaveLength(3);
    expect(hung[1]!.at - hung[0]!.at).toBeGreaterThanOrEqual(300 + 90);
    const metrics = await (await svc.app.request("/metrics")).text();
    expect(metrics).toMatch(
      /nightshift_notifications_total\{channel="down",result="gave-up"[^}]*\} 1/,
    );
    expect(metrics).toMatch(
      /nightshift_notifications_total\{channel="slow",result="gave-up"[^}]*\} 1/,
    );
    const status = (await (await svc.app.request("/status")).json()) as {
      components: {
        notifier: { deliveries: { channel: string; result: string; count: number }[] };
      };
    };
    expect(status.components.notifier.deliveries).toEqual(
      expect.arrayContaining([{ channel: "slow", result: "gave-up", count: 1 }]),
    );
  }, 30_000);
});
