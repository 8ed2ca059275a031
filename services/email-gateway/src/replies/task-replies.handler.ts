import { taskEvents } from "@nightshift/client";
import { isTerminal, TaskEvent, type TaskRecord } from "@nightshift/contracts";
import { ack, publishEmail, type Bus, type JsMsg, type Outcome } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import { capReferences, replySubject } from "../headers.ts";
import { digest } from "../keys.ts";
import { approvalText, outcomeText } from "./reply-text.ts";

export interface ReplyDeps {
  bus: Bus;
  log: Logger;
}

const TAIL_LINES = 20;

/** The last lines the agent printed in the task's last attempt. */
async function outputTail(bus: Bus, r: TaskRecord): Promise<string[]> {
  const lines: string[] = [];
  for await (const { event } of taskEvents(bus, r.id, { follow: false })) {
    if (event.type !== "output" || event.attempt !== r.attempts) continue;
    lines.push(event.line.length > 300 ? `${event.line.slice(0, 297)}...` : event.line);
    if (lines.length > TAIL_LINES) lines.shift();
  }
  return lines;
}

function parse(msg: JsMsg): TaskEvent | undefined {
  try {
    const e = TaskEvent.safeParse(msg.json());
    return e.success ? e.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Watches task state events and, for tasks that came from a mail, queues the reply in the
 * mail's thread on `outbox.email`: the outcome when the task ends, a request for a decision
 * when a supervised task waits for approval. Outbox ids derive from the task and the event,
 * so a redelivered event queues nothing new.
 */
export function createReplyHandler(d: ReplyDeps): (msg: JsMsg) => Promise<Outcome> {
  return async (msg) => {
    const event = parse(msg);
    if (event === undefined || event.type !== "state") return ack();
    const ends = isTerminal(event.state);
    const asks = event.state === "waiting" && event.waitReason === "awaiting-approval";
    if (!ends && !asks) return ack();
    const stored = await d.bus.tasks.get(event.taskId);
    if (!stored) return ack();
    const r = stored.record;
    if (r.task.source.kind !== "email") return ack();
    const attrs = r.task.source.attributes;
    const to = attrs["replyTo"] ?? attrs["from"];
    const messageId = attrs["messageId"];
    const log = d.log.child({ taskId: r.id });
    if (to === undefined || to === "" || messageId === undefined) {
      log.warn("task from a mail without a sender or Message-ID: no reply possible");
      return ack();
    }
    if (ends && !isTerminal(r.state)) return ack(); // redriven since: its next end replies
    const id = ends
      ? `reply-${r.id}-${digest(r.finishedAt ?? event.at, 8)}`
      : `ask-${r.id}-${msg.info.streamSequence}`;
    // The thread's root first: the outbox derives the thread (and its reply cap) from it,
    // even when the mail being answered came without References.
    const references = capReferences(
      [attrs["threadRoot"], ...(attrs["references"] ?? "").split(" "), messageId].filter(
        (v): v is string => v !== undefined && v !== "",
      ),
    );
    const { duplicate } = await publishEmail(d.bus.js, {
      v: 1,
      id,
      kind: "reply",
      to: [to],
      subject: replySubject(attrs["subject"] ?? ""),
      text: ends ? outcomeText(r, await outputTail(d.bus, r)) : approvalText(r),
      inReplyTo: messageId,
      references,
      taskId: r.id,
      createdAt: new Date().toISOString(),
    });
    log.info(
      { outId: id, to, duplicate },
      ends ? `task ${r.state}: reply queued` : "task awaits approval: question queued",
    );
    return ack();
  };
}
