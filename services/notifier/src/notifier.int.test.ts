import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { submitTask } from "@nightshift/client";
import {
  Consumers,
  EmailOutbound,
  Streams,
  Subjects,
  type Escalation,
  type TaskEvent,
  type TaskRecord,
} from "@nightshift/contracts";
import { executorService } from "@nightshift/executor";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import {
  connectNats,
  eventPublisher,
  openBus,
  provision,
  publishTask,
  type Bus,
} from "@nightshift/messaging";
import { parseConfig } from "@nightshift/config";
import { startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import type { Notification, NotificationChannel } from "./channel.ts";
import { blockKitProblems } from "./channels/block-kit-rules.int.ts";
import { startReceiver, type Receiver } from "./fixture.int.ts";
import { notifierService, type NotifierOptions } from "./service.ts";

const SECRET = "shared-secret-for-the-receiver";

let nats: TestNats;
let recv: Receiver;
let bus: Bus;
let closeBus: () => Promise<void>;
const running: InProcessServices[] = [];

beforeEach(async () => {
  nats = await startTestNats();
  recv = await startReceiver();
  const nc = await connectNats({ servers: nats.url, name: "test" });
  await provision(nc, parseConfig({}, {}).config.nats);
  bus = await openBus(nc);
  closeBus = () => nc.close();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.forceStop()));
  await closeBus();
  await recv.close();
  await nats.dispose();
});

const env = () => ({ HOOK_SECRET: SECRET, TEAM_SLACK: `${recv.url}/slack/T000/B000/XXX` });

function notifierConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    retryDelay: "100ms",
    retryMaxDelay: "400ms",
    maxAttempts: 5,
    progressInterval: "1s",
    taskUrl: "https://ns.example.com/tasks/{taskId}",
    channels: {
      hook: { type: "webhook", url: `${recv.url}/ok/hook`, secretEnv: "HOOK_SECRET" },
      flaky: { type: "webhook", url: `${recv.url}/flaky/hook`, secretEnv: "HOOK_SECRET" },
      slack: { type: "slack", webhookUrlEnv: "TEAM_SLACK" },
      mail: { type: "email", to: ["ops@example.com"], cc: ["lead@example.com"] },
    },
    rules: [{ channels: ["hook", "flaky", "slack", "mail"] }],
    ...extra,
  };
}

async function notifier(
  cfg: Record<string, unknown> = notifierConfig(),
  opts: Partial<NotifierOptions> = {},
  services: Parameters<typeof startInProcess>[0] = [],
): Promise<InProcessServices> {
  const svc = await startInProcess([...services, notifierService({ env: env(), ...opts })], {
    natsUrl: nats.url,
    config: {
      notifier: cfg,
      executor: { workspaces: mkdtempSync(join(tmpdir(), "ns-ws-")), maxAttempts: 1 },
      backends: { shell: { type: "command", argv: ["sh", "-c", "{prompt}"] } },
    },
  });
  running.push(svc);
  return svc;
}

/** Waits until the notifier's consumer has nothing left to deliver or retry. */
async function drained(): Promise<void> {
  await waitFor(
    async () => {
      const c = await bus.jsm.consumers.info(Streams.events, Consumers.notifier);
      return c.num_pending === 0 && c.num_ack_pending === 0;
    },
    { message: "the notifier to settle every event", timeoutMs: 20_000 },
  );
}

function verified(r: { headers: Record<string, unknown>; body: string }): boolean {
  const ts = String(r.headers["x-nightshift-timestamp"]);
  const want = `sha256=${createHmac("sha256", SECRET).update(`${ts}.${r.body}`).digest("hex")}`;
  return (
    r.headers["x-nightshift-signature"] === want && Math.abs(Date.now() / 1000 - Number(ts)) < 300
  );
}

async function outboxMails(): Promise<EmailOutbound[]> {
  const info = await bus.jsm.streams.info(Streams.outbox);
  const out: EmailOutbound[] = [];
  for (
    let seq = info.state.first_seq;
    info.state.messages > 0 && seq <= info.state.last_seq;
    seq++
  ) {
    const m = await bus.jsm.streams.getMessage(Streams.outbox, { seq }).catch(() => null);
    if (m && m.subject === Subjects.outbox("email")) out.push(EmailOutbound.parse(m.json()));
  }
  return out;
}

async function terminal(id: string): Promise<TaskRecord> {
  return waitFor(
    async () => {
      const r = (await bus.tasks.get(id))?.record;
      return r && ["succeeded", "failed", "blocked", "cancelled"].includes(r.state) ? r : undefined;
    },
    { message: `task ${id} to finish`, timeoutMs: 20_000 },
  );
}

/** A queued task whose events the test publishes itself. */
async function queuedTask(prompt = "p"): Promise<string> {
  const { task } = await submitTask(bus, { prompt });
  return task.id;
}

async function finishRecord(id: string, state: "succeeded" | "failed"): Promise<void> {
  await bus.tasks.transition(id, "running");
  await bus.tasks.transition(id, state, { reason: state === "failed" ? "exit-code" : undefined });
}

describe("notifier", () => {
  it("sends one signed notification per terminal task event on every channel, retrying only the failing one", async () => {
    const svc = await notifier(notifierConfig(), {}, [executorService({ env: process.env })]);
    const ok = await submitTask(svc.bus, { prompt: "echo all good", backend: "shell" });
    const bad = await submitTask(svc.bus, { prompt: "echo broken >&2; exit 3", backend: "shell" });
    const records = [await terminal(ok.task.id), await terminal(bad.task.id)];
    expect(records.map((r) => r.state)).toEqual(["succeeded", "failed"]);
    await waitFor(() => recv.at("/flaky", true).length === 2, {
      message: "flaky deliveries",
      timeoutMs: 15_000,
    });
    await drained();

    const hooks = recv.at("/ok/hook");
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
      const attempts = recv.at("/flaky").filter((r) => r.headers["x-nightshift-delivery"] === id);
      expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(90);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(190);
      expect(verified(attempts[2]!)).toBe(true);
      // The healthy webhook got it before the flaky one recovered, and only once.
      const hook = hooks.find((h) => h.headers["x-nightshift-delivery"] === id)!;
      expect(hook.at).toBeLessThan(attempts[2]!.at);
    }

    const slack = recv.at("/slack");
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
    await bus.js.publish(Subjects.event(id, "state"), JSON.stringify(event), { msgID: "first" });
    await waitFor(() => recv.at("/ok/hook").length === 1, { message: "first delivery" });
    // The same event published again (a producer retry outside the dedupe window).
    await bus.js.publish(Subjects.event(id, "state"), JSON.stringify(event), { msgID: "second" });
    await drained();
    await first.stop();
    running.splice(running.indexOf(first), 1);

    // Replay every event from the start, as after a consumer reset, into a new notifier.
    await bus.jsm.consumers.delete(Streams.events, Consumers.notifier);
    await bus.jsm.consumers.add(Streams.events, {
      durable_name: Consumers.notifier,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    await notifier(cfg);
    const other = await queuedTask();
    await finishRecord(other, "failed");
    await eventPublisher(bus.js, other, 1).emitNow({
      type: "state",
      state: "failed",
      reason: "exit-code",
    });
    await waitFor(() => recv.at("/ok/hook").length === 2, { message: "the new event's delivery" });
    await drained();
    const ids = recv
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
          hook: { type: "webhook", url: `${recv.url}/ok/hook`, secretEnv: "HOOK_SECRET" },
          down: {
            type: "webhook",
            url: `${recv.url}/down/hook`,
            secretEnv: "HOOK_SECRET",
            timeout: "2s",
          },
        },
        rules: [{ channels: ["down", "hook"] }],
      }),
    );
    const id = await queuedTask();
    await finishRecord(id, "failed");
    await eventPublisher(bus.js, id, 1).emitNow({ type: "state", state: "failed" });
    await drained();
    expect(recv.at("/down").map((r) => r.status)).toEqual([503, 503, 503]);
    expect(recv.at("/ok/hook")).toHaveLength(1);
    expect(recv.at("/ok/hook")[0]!.at).toBeLessThan(recv.at("/down")[1]!.at);
    const metrics = await (await svc.app.request("/metrics")).text();
    expect(metrics).toMatch(
      /nightshift_notifications_total\{channel="down",result="gave-up"[^}]*\} 1/,
    );
  }, 30_000);

  it("coalesces progress per task to one notification per interval; terminal events always go out", async () => {
    await notifier(
      notifierConfig({
        progressInterval: "1s",
        rules: [{ channels: ["hook", "slack"], on: ["running", "round", "succeeded"] }],
      }),
    );
    const id = await queuedTask("refactor the parser");
    await bus.tasks.transition(id, "running");
    const ev = eventPublisher(bus.js, id, 1);
    await ev.emitNow({ type: "state", state: "running" });
    await waitFor(() => recv.at("/ok/hook").length === 1, { message: "first progress at once" });
    for (const round of [1, 2, 3]) await ev.emitNow({ type: "round", round, phase: "review" });
    await waitFor(() => recv.at("/ok/hook").length === 2, { message: "coalesced progress" });
    const [first, second] = recv.at("/ok/hook").map((r) => ({
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
    await bus.tasks.transition(id, "succeeded");
    await ev.emitNow({ type: "state", state: "succeeded" });
    await waitFor(() => recv.at("/ok/hook").length === 3, { message: "terminal at once" });
    await drained();
    const bodies = recv.at("/ok/hook").map((r) => JSON.parse(r.body) as { kind: string });
    expect(bodies.map((b) => b.kind)).toEqual(["progress", "progress", "terminal"]);
    for (const s of recv.at("/slack")) expect(s.status).toBe(200);
    expect(recv.at("/slack")).toHaveLength(3);
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
          hook: { type: "webhook", url: `${recv.url}/ok/hook`, secretEnv: "HOOK_SECRET" },
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
    await bus.js.publish(Subjects.escalation(esc.id), JSON.stringify(esc), {
      msgID: `esc:${esc.id}`,
    });
    const id = await queuedTask();
    await finishRecord(id, "succeeded");
    await eventPublisher(bus.js, id, 1).emitNow({ type: "state", state: "succeeded" });
    // A schedule task has no registered thread channel: the source channel declines it.
    const { task: sched } = await publishTask(bus, {
      v: 1,
      id: "sched-x-1",
      createdAt: new Date().toISOString(),
      source: { kind: "schedule", attributes: { schedule: "x" } },
      prompt: "p",
    });
    await finishRecord(sched.id, "succeeded");
    await eventPublisher(bus.js, sched.id, 1).emitNow({ type: "state", state: "succeeded" });
    await drained();
    const hooks = recv.at("/ok/hook");
    expect(hooks).toHaveLength(1);
    expect(JSON.parse(hooks[0]!.body)).toMatchObject({
      kind: "escalation",
      escalation: { id: "esc-ci-red" },
    });
    expect(verified(hooks[0]!)).toBe(true);
    expect(seen.map((n) => [n.kind, n.record?.id])).toEqual([["terminal", id]]);
  }, 30_000);
});
