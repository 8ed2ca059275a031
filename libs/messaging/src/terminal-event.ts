import type { JetStreamManager, JetStreamClient } from "@nats-io/jetstream";
import {
  isTerminal,
  TaskEvent,
  Streams,
  Subjects,
  TASK_EVENT_VERSION,
  type TaskRecord,
} from "@nightshift/contracts";

type StateEvent = Extract<TaskEvent, { type: "state" }>;

/**
 * The event that says a task finished, built from its record alone: whoever publishes it,
 * and however often, it is the same event (same `at`, same `Nats-Msg-Id`), so the stream's
 * dedupe window and the notifier's per-event key absorb repeats.
 */
export function terminalEvent(record: TaskRecord): {
  subject: string;
  event: StateEvent;
  msgId: string;
} {
  const at = record.finishedAt ?? record.updatedAt;
  const event: StateEvent = {
    v: TASK_EVENT_VERSION,
    taskId: record.id,
    at,
    attempt: record.attempts,
    type: "state",
    state: record.state,
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    ...(record.detail !== undefined ? { detail: record.detail } : {}),
  };
  return {
    subject: Subjects.event(record.id, "state"),
    event,
    msgId: `${record.id}:final:${at}`,
  };
}

/** Publishes a finished task's terminal event (deduplicated by its `Nats-Msg-Id`). */
export async function publishTerminalEvent(js: JetStreamClient, record: TaskRecord): Promise<void> {
  const e = terminalEvent(record);
  await js.publish(e.subject, JSON.stringify(e.event), { msgID: e.msgId });
}

/**
 * Makes sure the EVENTS stream holds the terminal state event of a finished task:
 * published unless the task's last state event already is it. Called when a task
 * finishes and again whenever a finished task's message is delivered, so a crash or a
 * stream leader change between the record write and the event loses no notification.
 * Throws when NATS cannot answer; the caller retries later.
 */
export async function ensureTerminalEvent(
  js: JetStreamClient,
  jsm: JetStreamManager,
  record: TaskRecord,
): Promise<void> {
  if (!isTerminal(record.state)) return;
  const e = terminalEvent(record);
  const last = await jsm.streams.getMessage(Streams.events, { last_by_subj: e.subject });
  if (last) {
    const seen = TaskEvent.safeParse(last.json());
    if (
      seen.success &&
      seen.data.type === "state" &&
      seen.data.state === e.event.state &&
      seen.data.at === e.event.at
    )
      return;
  }
  await publishTerminalEvent(js, record);
}
