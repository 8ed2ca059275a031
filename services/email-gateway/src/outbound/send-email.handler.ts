import type { EmailConfig } from "@nightshift/config";
import { EmailOutbound } from "@nightshift/contracts";
import { coerceError, isNightshiftError, type PermanentError } from "@nightshift/errors";
import {
  ack,
  backoffMs,
  dead,
  retry,
  type Bus,
  type JsMsg,
  type MessageContext,
  type Outcome,
} from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import { onList } from "../addresses.ts";
import { EmailKeys } from "../keys.ts";
import type { GatewayStatus } from "../status.ts";
import { threadKeyOf, type ThreadStore } from "../threads.ts";
import { composeMail } from "./compose-mail.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import { mapSmtpError, type SmtpSender } from "./smtp-transport.ts";

export interface SendDeps {
  cfg: EmailConfig;
  bus: Bus;
  threads: ThreadStore;
  sender: SmtpSender;
  limiter: RateLimiter;
  /** Values removed from every outgoing mail. */
  secrets: readonly string[];
  log: Logger;
  status: GatewayStatus;
}

function describe(err: unknown): string {
  const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (Array.isArray(issues))
    return issues
      .map((i) => `${i.path.map(String).join(".") || "(mail)"}: ${i.message}`)
      .join("; ");
  return coerceError(err).message;
}

/**
 * Delivers one `outbox.email` entry. Policy refusals (a recipient not on the allowlist, a
 * thread at its reply cap) are logged and acknowledged: nothing is sent, nothing retried.
 * SMTP failures retry with backoff through JetStream; a permanent refusal or an invalid
 * entry goes to the DLQ. A marker per outbox id keeps a redelivered entry from being sent
 * twice.
 */
export function createSendHandler(
  d: SendDeps,
): (msg: JsMsg, ctx: MessageContext) => Promise<Outcome> {
  const allowed = d.cfg.allow.recipients.length > 0 ? d.cfg.allow.recipients : d.cfg.allow.senders;
  return async (msg, ctx) => {
    let mail: EmailOutbound;
    try {
      mail = EmailOutbound.parse(msg.json());
    } catch (err) {
      const detail = describe(err);
      d.log.warn(
        { seq: msg.info.streamSequence, detail },
        "invalid outbox.email entry: dead-lettered",
      );
      d.status.noteOutbound("dead:invalid-payload");
      return dead("invalid-payload", detail);
    }
    const log = d.log.child({ outId: mail.id, taskId: mail.taskId, kind: mail.kind });
    const sentKey = EmailKeys.sent(mail.id);
    const marker = await d.bus.kv.cursors.get(sentKey);
    if (marker !== null && marker.operation === "PUT") {
      log.info("mail already sent: redelivery acknowledged");
      return ack();
    }

    const refused = [...mail.to, ...mail.cc].filter((a) => !onList(a, allowed));
    if (refused.length > 0) {
      log.warn(
        { refused },
        `not sending to ${refused.join(", ")}: not on email.allow.recipients${d.cfg.allow.recipients.length === 0 ? " (empty, so email.allow.senders applies)" : ""}`,
      );
      d.status.noteOutbound("suppressed:recipient-not-allowed");
      return ack();
    }

    const root = mail.references[0] ?? mail.inReplyTo;
    const threadKey = root !== undefined ? threadKeyOf(root) : undefined;
    if (threadKey !== undefined) {
      const thread = await d.threads.get(threadKey);
      if (thread && thread.replies >= d.cfg.limits.repliesPerThread) {
        log.warn(
          { replies: thread.replies },
          `not sending: the thread already got ${thread.replies} mails (email.limits.repliesPerThread)`,
        );
        d.status.noteOutbound("suppressed:reply-cap");
        return ack();
      }
    }

    const waitMs = d.limiter.waitMs();
    if (waitMs > 0) {
      log.info(
        { waitMs },
        `send rate limit reached (${d.cfg.limits.sendPerMinute} per minute): waiting ${waitMs} ms`,
      );
    }
    if (!(await d.limiter.acquire(ctx.force))) return retry("shutting down", 0);
    const composed = composeMail(mail, d.cfg, d.secrets);
    if (threadKey !== undefined) {
      await d.threads.linkMessage(composed.messageId, threadKey, mail.taskId);
    }
    try {
      const r = await d.sender.send(composed);
      if (r.rejected.length > 0) log.warn({ rejected: r.rejected }, "some recipients were refused");
    } catch (err) {
      const e = mapSmtpError(err, backoffMs(msg.info.deliveryCount));
      if (isNightshiftError(e, "PERMANENT")) {
        log.error({ err: e }, `mail not sent: ${e.message}; dead-lettered`);
        d.status.noteOutbound("dead:smtp-rejected");
        return dead((e as PermanentError).reason, e.message);
      }
      log.warn(
        { err: e, delivery: msg.info.deliveryCount },
        `mail not sent: ${e.message}; retrying`,
      );
      d.status.noteOutbound("retry");
      return retry(e.message, backoffMs(msg.info.deliveryCount));
    }
    await d.bus.kv.cursors.put(
      sentKey,
      JSON.stringify({ at: new Date().toISOString(), messageId: composed.messageId }),
    );
    if (threadKey !== undefined && root !== undefined) await d.threads.countReply(threadKey, root);
    d.status.noteOutbound("sent");
    log.info(
      { to: composed.to, messageId: composed.messageId, inReplyTo: composed.inReplyTo },
      `mail sent to ${composed.to.join(", ")}`,
    );
    return ack();
  };
}
