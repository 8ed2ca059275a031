import { jetstreamManager } from "@nats-io/jetstream";
import { secretValues } from "@nightshift/config";
import { Consumers, Streams } from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";
import type { ServiceDefinition, ServiceDeps } from "@nightshift/host";
import { runConsumer } from "@nightshift/messaging";
import { ensureGatewayConsumers } from "./consumers.ts";
import { intakePolicy } from "./inbound/classify.ts";
import { CursorStore } from "./inbound/cursor.ts";
import { openImapSession } from "./inbound/imap-client.ts";
import { whileHoldingInbox } from "./inbound/inbox-lease.ts";
import { createIntake } from "./inbound/intake.ts";
import { syncMailbox } from "./inbound/sync-mailbox.ts";
import { watchMailbox } from "./inbound/watch-mailbox.ts";
import { EmailKeys, inboxLeaseKey } from "./keys.ts";
import { RateLimiter } from "./outbound/rate-limiter.ts";
import { createSendHandler } from "./outbound/send-email.handler.ts";
import { createSmtpSender } from "./outbound/smtp-transport.ts";
import { createReplyHandler } from "./replies/task-replies.handler.ts";
import { GatewayStatus } from "./status.ts";
import { ThreadStore } from "./threads.ts";

const NOT_CONFIGURED = "no email section in the configuration: the gateway does nothing";

function stopped(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/**
 * The email gateway: reads the inbox (one replica at a time, by lease) and turns mail into
 * tasks, follow-ups and approvals; replies in the thread when those tasks end; and delivers
 * everything queued on `outbox.email`, its own replies and the notifier's mail alike.
 */
export function emailGatewayService(): ServiceDefinition {
  return {
    name: "email-gateway",
    async provision({ nc, config }) {
      if (config.email !== undefined) await ensureGatewayConsumers(await jetstreamManager(nc));
    },
    async start(deps) {
      const cfg = deps.config.email;
      if (cfg === undefined) {
        const status = new GatewayStatus(deps.registry, { enabled: false, reason: NOT_CONFIGURED });
        deps.log.info(NOT_CONFIGURED);
        return {
          component: { name: "email-gateway", ready: () => true, status: () => status.snapshot() },
          done: stopped(deps.stop),
        };
      }
      return startGateway(deps, cfg);
    },
  };
}

async function startGateway(
  deps: ServiceDeps,
  cfg: NonNullable<ServiceDeps["config"]["email"]>,
): ReturnType<ServiceDefinition["start"]> {
  const { bus, log } = deps;
  const imapPassword = deps.secrets.IMAP_PASSWORD;
  if (imapPassword === undefined) {
    throw new NightshiftError(
      "CONFIG_INVALID",
      "email is configured but IMAP_PASSWORD is not set in the environment",
    );
  }
  if (cfg.smtp.user !== undefined && deps.secrets.SMTP_PASSWORD === undefined) {
    throw new NightshiftError(
      "CONFIG_INVALID",
      "email.smtp.user is set but SMTP_PASSWORD is not set in the environment",
    );
  }
  const status = new GatewayStatus(deps.registry, { enabled: true });
  status.imap.address = cfg.address;
  status.imap.mailbox = cfg.folders.inbox;
  if (cfg.allow.senders.length === 0) {
    log.warn("email.allow.senders is empty: no mail will become a task until someone is listed");
  }
  await ensureGatewayConsumers(bus.jsm);
  const threads = new ThreadStore(bus.kv.cursors);
  const account = `${cfg.imap.user}@${cfg.imap.host}:${cfg.imap.port}`;
  const inboundLog = log.child({ part: "inbound" });
  const intake = createIntake({ bus, cfg, policy: intakePolicy(cfg), threads, log: inboundLog });
  const cursor = new CursorStore(bus.kv.cursors, EmailKeys.mailbox(account, cfg.folders.inbox));

  const inbound = whileHoldingInbox(
    {
      bus,
      key: inboxLeaseKey(account, cfg.folders.inbox),
      instance: deps.instance,
      mailbox: cfg.folders.inbox,
      heartbeatMs: deps.config.nats.heartbeat,
      stop: deps.stop,
      log: inboundLog,
      status,
    },
    (signal) =>
      watchMailbox({
        cfg,
        log: inboundLog,
        status,
        stop: signal,
        open: () => openImapSession({ cfg, password: imapPassword, log: inboundLog }),
        sync: (session) =>
          syncMailbox(
            { cfg, cursor, log: inboundLog, status, stop: signal, handle: intake },
            session,
          ),
      }),
  );

  const sender = createSmtpSender(cfg, deps.secrets.SMTP_PASSWORD);
  const outboundLog = log.child({ part: "outbound" });
  const outbound = runConsumer({
    js: bus.js,
    stream: Streams.outbox,
    consumer: Consumers.emailOutbox,
    concurrency: 1,
    handler: createSendHandler({
      cfg,
      bus,
      threads,
      sender,
      limiter: new RateLimiter(cfg.limits.sendPerMinute),
      secrets: secretValues(deps.secrets),
      log: outboundLog,
      status,
    }),
    stop: deps.stop,
    force: deps.force,
    dlqSubject: () => "dlq.outbox.email",
    maxDeliveries: cfg.limits.sendAttempts,
    autoWorkingMs: 15_000,
    onSettled: (_msg, settled) => {
      if (settled.verb === "term") status.noteOutbound("dead-lettered");
    },
    onPullError: (err) => outboundLog.warn({ err }, "outbox pull failed; retrying"),
  });

  const repliesLog = log.child({ part: "replies" });
  const replies = runConsumer({
    js: bus.js,
    stream: Streams.events,
    consumer: Consumers.emailReplies,
    concurrency: 2,
    handler: createReplyHandler({ bus, log: repliesLog }),
    stop: deps.stop,
    force: deps.force,
    dlqSubject: () => "dlq.events.email-replies",
    autoWorkingMs: 15_000,
    onPullError: (err) => repliesLog.warn({ err }, "task event pull failed; retrying"),
  });

  log.info(
    {
      address: cfg.address,
      imap: `${cfg.imap.host}:${cfg.imap.port}`,
      smtp: `${cfg.smtp.host}:${cfg.smtp.port}`,
      senders: cfg.allow.senders.length,
    },
    "email gateway started",
  );
  return {
    component: {
      name: "email-gateway",
      ready: () => status.ready(),
      status: () => status.snapshot(),
    },
    done: Promise.all([
      inbound.catch((err: unknown) => log.error({ err }, "inbox reader stopped with an error")),
      outbound.done,
      replies.done,
    ]).then(() => sender.close()),
  };
}
