import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { headers } from "@nats-io/nats-core";
import { DlqHeaders } from "@nightshift/contracts";
import type { Outcome } from "./outcome.ts";

export interface SettleOptions {
  js: JetStreamClient;
  /** DLQ subject for a message (`dlq.tasks.<repoKey>` for tasks). */
  dlqSubject: (msg: JsMsg) => string;
  /** Deliveries after which a `retry` becomes `dead` (`max-deliveries`); unlimited when undefined. */
  maxDeliveries?: number | undefined;
  /** Task id for the DLQ header, when the message carries one. */
  taskId?: string | undefined;
}

export interface Settled {
  /** The verb actually applied. */
  verb: "ack" | "nak" | "term" | "none";
  outcome: Outcome;
}

/**
 * The one place where a handler's outcome becomes JetStream verbs: ack; nak(delay);
 * DLQ copy then term; or nothing. The DLQ copy is published and acknowledged before
 * `term()`, because a terminated message is deleted from a work-queue stream. If the
 * copy cannot be written, the message is naked instead so nothing is lost.
 */
export async function settle(msg: JsMsg, outcome: Outcome, opts: SettleOptions): Promise<Settled> {
  let effective = outcome;
  if (
    effective.kind === "retry" &&
    opts.maxDeliveries !== undefined &&
    msg.info.deliveryCount >= opts.maxDeliveries
  ) {
    effective = {
      kind: "dead",
      reason: "max-deliveries",
      detail: `gave up after ${msg.info.deliveryCount} deliveries; last error: ${effective.reason}`,
    };
  }
  switch (effective.kind) {
    case "ack":
      await msg.ackAck().catch(() => msg.ack());
      return { verb: "ack", outcome: effective };
    case "retry":
      msg.nak(Math.max(0, Math.round(effective.delayMs)));
      return { verb: "nak", outcome: effective };
    case "abandon":
      return { verb: "none", outcome: effective };
    case "dead": {
      const h = headers();
      h.set(DlqHeaders.origSubject, msg.subject);
      h.set(DlqHeaders.origSeq, String(msg.info.streamSequence));
      h.set(DlqHeaders.deliveries, String(msg.info.deliveryCount));
      h.set(DlqHeaders.reason, effective.reason);
      h.set(DlqHeaders.failedAt, new Date().toISOString());
      if (effective.detail !== undefined)
        h.set(DlqHeaders.detail, effective.detail.replace(/[\r\n]+/g, " ").slice(0, 1000));
      if (opts.taskId !== undefined) h.set(DlqHeaders.taskId, opts.taskId);
      try {
        await opts.js.publish(opts.dlqSubject(msg), msg.data, {
          headers: h,
          msgID: `dlq:${msg.info.stream}:${msg.info.streamSequence}`,
        });
      } catch (err) {
        msg.nak(5_000);
        return {
          verb: "nak",
          outcome: { kind: "retry", delayMs: 5_000, reason: `DLQ publish failed: ${String(err)}` },
        };
      }
      msg.term();
      return { verb: "term", outcome: effective };
    }
  }
}
