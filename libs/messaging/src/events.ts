import type { JetStreamClient } from "@nats-io/jetstream";
import { coerceError } from "@nightshift/errors";
import { Subjects, TASK_EVENT_VERSION, type TaskEventBody } from "@nightshift/contracts";

export interface EventPublisher {
  /** Publishes without waiting for the ack; failures surface in `flush()`. */
  emit: (body: TaskEventBody) => void;
  /**
   * Holds an event (stamped now) until the next `emit`, `emitNow`, `release` or `flush`,
   * which publish it first: it goes out with the event after it instead of alone.
   */
  defer: (body: TaskEventBody) => void;
  /** Publishes a held event now. */
  release: () => void;
  /** Publishes and waits for the stream's ack. */
  emitNow(body: TaskEventBody): Promise<void>;
  /** Waits for every emitted event; rejects with the first failure. */
  flush(): Promise<void>;
}

/**
 * Events of one task from one publisher. Each gets `Nats-Msg-Id` `<taskId>:<scope>:<seq>`,
 * so a retried publish is stored once. `scope` must be unique per publisher: `a<attempt>`
 * for a run, `d<streamSeq>.<delivery>` for one delivery's handling, `submit` for submission.
 */
export function eventPublisher(
  js: JetStreamClient,
  taskId: string,
  attempt: number,
  scope: string = `a${attempt}`,
): EventPublisher {
  let seq = 0;
  const pending = new Set<Promise<unknown>>();
  let failure: unknown;
  let held: { body: TaskEventBody; at: string } | undefined;
  const publish = (body: TaskEventBody, at = new Date().toISOString()): Promise<unknown> => {
    seq++;
    const event = { v: TASK_EVENT_VERSION, taskId, at, attempt, ...body };
    return js.publish(Subjects.event(taskId, body.type), JSON.stringify(event), {
      msgID: `${taskId}:${scope}:${seq}`,
    });
  };
  const emit = (body: TaskEventBody, at?: string): void => {
    const p = publish(body, at).catch((err: unknown) => {
      failure ??= err;
    });
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const release = (): void => {
    if (held === undefined) return;
    const h = held;
    held = undefined;
    emit(h.body, h.at);
  };
  return {
    emit: (body) => {
      release();
      emit(body);
    },
    defer: (body) => {
      release();
      held = { body, at: new Date().toISOString() };
    },
    release,
    async emitNow(body) {
      release();
      await publish(body);
    },
    async flush() {
      release();
      await Promise.all([...pending]);
      if (failure !== undefined) {
        const err = failure;
        failure = undefined;
        throw coerceError(err);
      }
    },
  };
}
