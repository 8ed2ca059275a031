import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { submitTask } from "@nightshift/client";
import { parseConfig } from "@nightshift/config";
import {
  Consumers,
  EmailOutbound,
  Streams,
  Subjects,
  type TaskRecord,
} from "@nightshift/contracts";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import { connectNats, openBus, provision, type Bus } from "@nightshift/messaging";
import { startTestNats, waitFor, type TestNats } from "@nightshift/testkit";
import { startReceiver, type Receiver } from "./fixture.int.ts";
import { notifierService, type NotifierOptions } from "./service.ts";

export const SECRET = "shared-secret-for-the-receiver";

/**
 * Registers hooks giving each test a fresh nats-server and HTTP receiver, stops every
 * notifier it started, and returns helpers to start notifiers and produce events.
 */
export function notifierHarness() {
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

  const env = () => ({ HOOK_SECRET: SECRET, TEAM_SLACK: `${recv.url}/slack/T000/B000/hook0token` });

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
        return r && ["succeeded", "failed", "blocked", "cancelled"].includes(r.state)
          ? r
          : undefined;
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

  const stop = async (svc: InProcessServices): Promise<void> => {
    await svc.stop();
    running.splice(running.indexOf(svc), 1);
  };
  return {
    bus: () => bus,
    stop,
    recv: () => recv,
    notifier,
    notifierConfig,
    drained,
    verified,
    outboxMails,
    terminal,
    queuedTask,
    finishRecord,
  };
}
