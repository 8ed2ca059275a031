import type { NotificationEventName, NotifierConfig } from "@nightshift/config";
import { Escalation, TaskEvent, type TaskRecord } from "@nightshift/contracts";
import { ack, dead, retry, type JsMsg, type Outcome, type TaskStore } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import { createHash } from "node:crypto";
import type { Notification, NotificationChannel } from "./channel.ts";
import type { Deliveries } from "./delivery.ts";
import type { NotifierMetrics } from "./metrics.ts";
import type { ProgressCoalescer } from "./progress.ts";
import {
  eventName,
  isTerminalName,
  routeChannels,
  subjectOfRecord,
  type RouteSubject,
} from "./routing.ts";

export interface HandlerDeps {
  tasks: TaskStore;
  deliveries: Deliveries;
  progress: ProgressCoalescer;
  channels: ReadonlyMap<string, NotificationChannel>;
  config: NotifierConfig;
  metrics: NotifierMetrics;
  log: Logger;
  now?: () => number;
}

/** One id per terminal event, however often it is delivered or re-published. */
export function terminalNotificationId(e: TaskEvent): string {
  const h = createHash("sha256")
    .update(`${e.taskId}\0${e.type}\0${e.attempt}\0${e.at}`)
    .digest("hex");
  return `t-${e.taskId}-${h.slice(0, 12)}`;
}

function parse(msg: JsMsg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}

/**
 * Handles one event from EVENTS: routes it by the rules, coalesces progress per task, and
 * delivers on every routed channel. The message is acknowledged once every channel is done
 * (sent, declined or given up); otherwise it comes back when the earliest retry is due.
 */
export function createEventHandler(deps: HandlerDeps): (msg: JsMsg) => Promise<Outcome> {
  const now = deps.now ?? Date.now;

  const deliverAll = async (n: Notification, targets: string[]): Promise<Outcome> => {
    const outcomes = await Promise.all(
      targets.map(async (name) => {
        const channel = deps.channels.get(name);
        if (!channel) return { done: true as const, result: "declined" as const };
        const o = await deps.deliveries.deliver(n, channel);
        if (o.done && (o.result === "sent" || o.result === "gave-up"))
          deps.metrics.deliveries.inc({ channel: name, result: o.result });
        if (!o.done) deps.metrics.deliveries.inc({ channel: name, result: "failed" });
        if (o.done && o.result === "gave-up")
          deps.log.error(
            { channel: name, notification: n.id },
            "channel gave up on a notification",
          );
        if (!o.done && o.error !== undefined)
          deps.log.warn(
            { channel: name, notification: n.id, retryInMs: o.retryInMs, error: o.error },
            "channel failed; will retry",
          );
        return o;
      }),
    );
    const waits = outcomes.flatMap((o) => (o.done ? [] : [o.retryInMs]));
    if (waits.length === 0) return ack();
    return retry(`${waits.length} channel(s) to retry`, Math.max(50, Math.min(...waits)));
  };

  const onEscalation = async (msg: JsMsg): Promise<Outcome> => {
    const esc = Escalation.safeParse(parse(msg));
    if (!esc.success) return dead("invalid-payload", `escalation: ${esc.error.message}`);
    deps.metrics.events.inc({ kind: "escalation" });
    const e = esc.data;
    const subject: RouteSubject = {
      source: e.source,
      repo: e.repo,
      schedule: e.attributes["schedule"],
    };
    const targets = routeChannels(deps.config.rules, subject, ["escalation"]);
    return deliverAll({ id: `e-${e.id}`, kind: "escalation", events: [], escalation: e }, targets);
  };

  const record = async (taskId: string): Promise<TaskRecord | undefined> => {
    try {
      return (await deps.tasks.get(taskId))?.record;
    } catch (err) {
      deps.log.warn({ err, taskId }, "task record unreadable; notifying without it");
      return undefined;
    }
  };

  const onProgress = async (
    msg: JsMsg,
    e: TaskEvent,
    name: NotificationEventName,
  ): Promise<Outcome> => {
    const rec = await record(e.taskId);
    const subject = subjectOfRecord(rec);
    if (routeChannels(deps.config.rules, subject, [name]).length === 0) {
      deps.metrics.events.inc({ kind: "ignored" });
      return ack();
    }
    // The terminal notification says it all; progress that is still waiting is dropped.
    if (rec && ["succeeded", "failed", "blocked", "cancelled"].includes(rec.state)) return ack();
    deps.metrics.events.inc({ kind: "progress" });
    const d = await deps.progress.offer(
      e.taskId,
      msg.info.streamSequence,
      e,
      deps.config.progressInterval,
      now(),
    );
    if (d.action === "drop") {
      deps.metrics.coalesced.inc();
      return ack();
    }
    if (d.action === "wait") return retry("coalescing progress", Math.max(50, d.delayMs));
    const names = d.events
      .map(eventName)
      .filter((x): x is NotificationEventName => x !== undefined);
    const targets = routeChannels(deps.config.rules, subject, names);
    return deliverAll(
      { id: d.id, kind: "progress", events: d.events, ...(rec ? { record: rec } : {}) },
      targets,
    );
  };

  return async (msg) => {
    if (msg.subject.startsWith("events.escalation.")) return onEscalation(msg);
    const parsed = TaskEvent.safeParse(parse(msg));
    if (!parsed.success) return dead("invalid-payload", `task event: ${parsed.error.message}`);
    const e = parsed.data;
    const name = eventName(e);
    if (name === undefined) {
      deps.metrics.events.inc({ kind: "ignored" });
      return ack();
    }
    if (!isTerminalName(name)) return onProgress(msg, e, name);
    deps.metrics.events.inc({ kind: "terminal" });
    const rec = await record(e.taskId);
    const targets = routeChannels(deps.config.rules, subjectOfRecord(rec), [name]);
    const outcome = await deliverAll(
      {
        id: terminalNotificationId(e),
        kind: "terminal",
        events: [e],
        ...(rec ? { record: rec } : {}),
      },
      targets,
    );
    if (outcome.kind === "ack") await deps.progress.forget(e.taskId).catch(() => undefined);
    return outcome;
  };
}
