import { AckPolicy, DeliverPolicy, JetStreamApiError } from "@nats-io/jetstream";
import {
  Consumers,
  isTerminal,
  Streams,
  Subjects,
  TaskEvent,
  type SourceKind,
  type TaskRecord,
} from "@nightshift/contracts";
import { ack, runConsumer, type Bus, type RunningConsumer } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import type { ItemState, ItemStore } from "./item-state.ts";
import { afterTerminal, type RetryPolicy } from "./retry-policy.ts";

/** Writes a task's progress back to where it came from. */
export interface SourceWriter {
  itemOf(record: TaskRecord): string | undefined;
  write(record: TaskRecord, item: ItemState): Promise<void>;
}

export interface WritebackOptions {
  bus: Bus;
  items: ItemStore;
  writers: Partial<Record<SourceKind, SourceWriter>>;
  policy: RetryPolicy;
  log: Logger;
  stop: AbortSignal;
  force: AbortSignal;
}

/** Nanoseconds, as JetStream wants durations. */
const ns = (ms: number): number => ms * 1_000_000;

/**
 * The durable consumer of every task's state events. One message at a time across all
 * replicas (`max_ack_pending` 1), so the writes for one task never overtake each other.
 */
async function ensureConsumer(bus: Bus): Promise<void> {
  const cfg = {
    durable_name: Consumers.pollerWriteback,
    filter_subject: Subjects.event("*", "state"),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    ack_wait: ns(60_000),
    max_ack_pending: 1,
    max_deliver: -1,
  };
  try {
    await bus.jsm.consumers.add(Streams.events, cfg);
  } catch (err) {
    if (!(err instanceof JetStreamApiError)) throw err;
    await bus.jsm.consumers.update(Streams.events, Consumers.pollerWriteback, {
      ack_wait: cfg.ack_wait,
      max_ack_pending: 1,
    });
  }
}

/**
 * Follows task state changes and writes them back to the task's source (GitHub status
 * comment and labels, Linear state and comments, a task file's status), deciding retries
 * of failed tasks on the way.
 */
export async function startWriteback(o: WritebackOptions): Promise<RunningConsumer> {
  await ensureConsumer(o.bus);
  return runConsumer({
    js: o.bus.js,
    stream: Streams.events,
    consumer: Consumers.pollerWriteback,
    concurrency: 1,
    stop: o.stop,
    force: o.force,
    dlqSubject: () => Subjects.dlqTasks("writeback"),
    onPullError: (err) => o.log.warn({ err }, "write-back pull failed; retrying"),
    onSettled: (msg, settled) => {
      if (settled.outcome.kind === "retry")
        o.log.warn(
          {
            subject: msg.subject,
            reason: settled.outcome.reason,
            delayMs: settled.outcome.delayMs,
          },
          "write-back failed; retrying",
        );
    },
    async handler(msg) {
      const parsed = TaskEvent.safeParse(msg.json());
      if (!parsed.success || parsed.data.type !== "state") return ack();
      const stored = await o.bus.tasks.get(parsed.data.taskId);
      if (!stored) return ack();
      const record = stored.record;
      const writer = o.writers[record.task.source.kind];
      const item = writer?.itemOf(record);
      if (!writer || item === undefined) return ack();
      if (isTerminal(record.state))
        await afterTerminal(o.items, o.bus.kv.cursors, item, record, o.policy);
      const { state } = await o.items.get(item);
      await writer.write(record, state);
      return ack();
    },
  });
}
