import { DeliverPolicy } from "@nats-io/jetstream";
import { isTerminal, Streams, Subjects, TaskEvent } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import type { SequencedEvent } from "./wire/tasks.ts";

export interface FollowOptions {
  /** Keep reading new events until the task reaches a terminal state. */
  follow: boolean;
  /** Start after this EVENTS stream sequence (for resuming a tail). */
  afterSeq?: number;
  signal?: AbortSignal;
  /** How long to wait for the first event of a task that has none yet. */
  idleMs?: number;
}

/**
 * A task's events in order, from the start (or after `afterSeq`); with `follow`, new ones
 * as they arrive until a terminal state event. Read with an ordered consumer, which
 * survives reconnects without a durable.
 */
export async function* taskEvents(
  bus: Bus,
  taskId: string,
  opts: FollowOptions,
): AsyncGenerator<SequencedEvent> {
  const consumer = await bus.js.consumers.get(Streams.events, {
    filter_subjects: [Subjects.eventsOf(taskId)],
    ...(opts.afterSeq !== undefined
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: opts.afterSeq + 1 }
      : { deliver_policy: DeliverPolicy.All }),
  });
  const done = async (): Promise<boolean> => {
    const r = await bus.tasks.get(taskId);
    return r !== undefined && isTerminal(r.record.state);
  };
  if (!opts.follow) {
    let pending = (await consumer.info(true)).num_pending;
    if (pending === 0) return;
    const iter = await consumer.fetch({ max_messages: pending, expires: 5_000 });
    for await (const m of iter) {
      pending--;
      const e = TaskEvent.safeParse(m.json());
      if (e.success) yield { seq: m.seq, event: e.data };
      if (pending <= 0) break;
    }
    return;
  }
  const messages = await consumer.consume();
  const stop = (): void => void messages.close();
  opts.signal?.addEventListener("abort", stop, { once: true });
  // A task that ended before we started following may never send another event.
  const poll = setInterval(() => {
    done().then(
      (d) => {
        if (d) setTimeout(stop, opts.idleMs ?? 500);
      },
      () => undefined, // NATS unreachable: the consumer reports it, and reconnects
    );
  }, 1_000);
  try {
    for await (const m of messages) {
      const e = TaskEvent.safeParse(m.json());
      if (!e.success) continue;
      yield { seq: m.seq, event: e.data };
      if (e.data.type === "state" && isTerminal(e.data.state) && (await done())) break;
    }
  } finally {
    clearInterval(poll);
    opts.signal?.removeEventListener("abort", stop);
    await messages.close();
  }
}
