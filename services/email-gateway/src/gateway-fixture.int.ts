import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  deterministicTaskId,
  isTerminal,
  Streams,
  Subjects,
  type TaskRecord,
} from "@nightshift/contracts";
import { executorService, type ResultSink } from "@nightshift/executor";
import { startInProcess, type InProcessServices } from "@nightshift/host";
import { connectNats, openBus, type Bus } from "@nightshift/messaging";
import {
  makeTestRepo,
  startTestDovecot,
  startTestNats,
  startTestSmtp,
  waitFor,
  type TestDovecot,
  type TestNats,
  type TestRepo,
  type TestSmtp,
} from "@nightshift/testkit";
import { LogCapture, msgOf } from "./log-capture.int.ts";
import { emailGatewayService } from "./service.ts";

export const AGENT = "agent@example.test";
export const ALICE = "alice@example.test";
export const SMTP_PASSWORD = "smtp-secret-6f2a91";

export interface MailSpec {
  from?: string;
  to?: string;
  cc?: string;
  subject?: string;
  body?: string;
  /** `null` leaves the header out. */
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  headers?: Record<string, string>;
}

/** A plain-text message as an MTA would store it. */
export function rawMail(m: MailSpec): string {
  const lines = [
    `Return-Path: <${m.from ?? ALICE}>`,
    `From: ${m.from ?? ALICE}`,
    `To: ${m.to ?? AGENT}`,
    ...(m.cc !== undefined ? [`Cc: ${m.cc}`] : []),
    `Subject: ${m.subject ?? "Please do something"}`,
    "Date: Sat, 21 Nov 2026 09:00:00 +0000",
    ...(m.messageId === null
      ? []
      : [`Message-ID: ${m.messageId ?? `<${Math.random()}@example.test>`}`]),
    ...(m.inReplyTo !== undefined ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references !== undefined ? [`References: ${m.references}`] : []),
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    m.body ?? "Add a file, please.",
    "",
  ];
  return lines.join("\r\n");
}

export const taskIdOf = (messageId: string): string => deterministicTaskId("email", messageId);

export interface FixtureOptions {
  /** Extra keys merged into the `email` section. */
  email?: Record<string, unknown>;
  /** Extra top-level config. */
  config?: Record<string, unknown>;
  dovecot?: Parameters<typeof startTestDovecot>[0];
  smtp?: Parameters<typeof startTestSmtp>[0];
}

/**
 * Real servers for one test file: nats-server, Dovecot, an SMTP server and a git origin;
 * gateways and an executor run in-process against them.
 */
export class GatewayFixture {
  nats!: TestNats;
  imap!: TestDovecot;
  smtp!: TestSmtp;
  repo!: TestRepo;
  readonly logs = new LogCapture();
  private readonly running: InProcessServices[] = [];
  private client: { bus: Bus; close: () => Promise<void> } | undefined;
  private readonly opts: FixtureOptions;
  constructor(opts: FixtureOptions = {}) {
    this.opts = opts;
  }

  async start(): Promise<this> {
    [this.nats, this.imap, this.smtp, this.repo] = await Promise.all([
      startTestNats(),
      startTestDovecot(this.opts.dovecot),
      startTestSmtp({ auth: { user: "agent", password: SMTP_PASSWORD }, ...this.opts.smtp }),
      makeTestRepo(),
    ]);
    return this;
  }

  config(email: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      nats: { heartbeat: "300ms", ackWait: "2s", leaseTtl: "2s" },
      executor: {
        slots: 2,
        workspaces: mkdtempSync(join(tmpdir(), "ns-ws-")),
        retryDelay: "200ms",
        busyDelay: "200ms",
        killGrace: "500ms",
      },
      backends: {
        // A stand-in agent: keeps the prompt, prints a line, and leaks whatever is in $LEAK.
        agent: {
          type: "command",
          argv: ["sh", "-c", 'cat > TASK.md; echo "worked on it"; echo "debug: $LEAK"'],
          prompt: "stdin",
          env: { LEAK: SMTP_PASSWORD },
        },
      },
      ...this.opts.config,
      email: {
        address: AGENT,
        aliases: ["bot@example.test"],
        imap: {
          host: "127.0.0.1",
          port: this.imap.port,
          security: "none",
          user: this.imap.user,
          reconnectMin: "100ms",
          reconnectMax: "1s",
        },
        smtp: { host: "127.0.0.1", port: this.smtp.port, security: "none", user: "agent" },
        allow: { senders: [ALICE, "trusted.test"] },
        task: { backend: "agent", repo: this.repo.origin },
        ...this.opts.email,
        ...email,
      },
    };
  }

  env(): Record<string, string> {
    return { IMAP_PASSWORD: this.imap.password, SMTP_PASSWORD };
  }

  async gateway(
    email: Record<string, unknown> = {},
    instance?: string,
    env: Record<string, string> = this.env(),
  ): Promise<InProcessServices> {
    const svc = await startInProcess([emailGatewayService()], {
      natsUrl: this.nats.url,
      config: this.config(email),
      env,
      logLevel: "info",
      logDestination: this.logs.stream,
      ...(instance !== undefined ? { instance } : {}),
    });
    this.running.push(svc);
    return svc;
  }

  async executor(sinks: ResultSink[] = []): Promise<InProcessServices> {
    const svc = await startInProcess([executorService({ env: process.env, sinks })], {
      natsUrl: this.nats.url,
      config: this.config(),
      env: this.env(),
    });
    this.running.push(svc);
    return svc;
  }

  /** Stops one service host (graceful) and forgets it. */
  async stop(svc: InProcessServices): Promise<void> {
    this.running.splice(this.running.indexOf(svc), 1);
    await svc.stop();
  }

  async record(svc: InProcessServices, id: string): Promise<TaskRecord | undefined> {
    return (await svc.bus.tasks.get(id))?.record;
  }

  /**
   * Waits until a task is fully published: record, TASKS message and its "queued" event
   * (publishTask writes them in that order).
   */
  async published(svc: InProcessServices, id: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      async () =>
        (await svc.bus.jsm.streams
          .getMessage(Streams.events, { last_by_subj: Subjects.event(id, "state") })
          .catch(() => null)) !== null,
      { timeoutMs, message: `task ${id} to be published` },
    );
  }

  async terminal(svc: InProcessServices, id: string, timeoutMs = 30_000): Promise<TaskRecord> {
    return waitFor(
      async () => {
        const r = await this.record(svc, id);
        return r !== undefined && isTerminal(r.state) ? r : undefined;
      },
      { timeoutMs, message: `task ${id} to finish` },
    );
  }

  /** Waits until nothing is left to send (OUTBOX empty, nothing in flight). */
  async outboxDrained(svc: InProcessServices): Promise<void> {
    await waitFor(
      async () => {
        const info = await svc.bus.jsm.streams.info(Streams.outbox);
        return info.state.messages === 0;
      },
      { timeoutMs: 20_000, message: "the outbox to drain" },
    );
  }

  /** Every email task record. */
  async emailTasks(svc: InProcessServices): Promise<string[]> {
    const ids = await svc.bus.tasks.ids();
    return ids.filter((id) => id.startsWith("email-"));
  }

  /** A NATS client of its own, independent of the services' connections (which stop with them). */
  async bus(): Promise<Bus> {
    if (!this.client) {
      const nc = await connectNats({ servers: this.nats.url, name: "test-client" });
      this.client = { bus: await openBus(nc), close: () => nc.close() };
    }
    return this.client.bus;
  }

  /** For `afterEach`: on a failed test, print the services' last log lines; then stop them. */
  async afterEach(ctx: { task: { result?: { state?: string } } }): Promise<void> {
    if (ctx.task.result?.state === "fail") {
      const lines = this.logs.records.slice(-40).map((r) => {
        const err = r["err"] as { message?: string } | undefined;
        return `${new Date(Number(r["time"])).toISOString()} ${msgOf(r)}${err?.message !== undefined ? ` (${err.message})` : ""}`;
      });
      console.error(`last log lines:\n${lines.join("\n")}`);
    }
    await this.stopServices();
  }

  async stopServices(): Promise<void> {
    await Promise.all(this.running.splice(0).map((s) => s.forceStop()));
  }

  async dispose(): Promise<void> {
    await this.stopServices();
    await this.client?.close();
    await Promise.all([this.imap.dispose(), this.smtp.dispose(), this.nats.dispose()]);
  }
}
