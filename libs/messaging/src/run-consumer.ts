import type { Consumer, JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { coerceError } from "@nightshift/errors";
import { outcomeFromError, type Outcome } from "./outcome.ts";
import { settle, type Settled } from "./settle.ts";

export interface MessageContext {
  /** Aborted when the service is forced to stop: finish or give up now. */
  force: AbortSignal;
}

export interface RunConsumerOptions {
  js: JetStreamClient;
  stream: string;
  consumer: string;
  /** Messages handled at once; exactly one pull is outstanding per free slot. */
  concurrency: number;
  handler: (msg: JsMsg, ctx: MessageContext) => Promise<Outcome>;
  /** Aborting stops pulling; in-flight handlers run on (drain). */
  stop: AbortSignal;
  /** Aborting tells in-flight handlers to give up. */
  force: AbortSignal;
  dlqSubject: (msg: JsMsg) => string;
  maxDeliveries?: number;
  taskIdOf?: (msg: JsMsg) => string | undefined;
  /** Call `working()` this often while a handler runs (handlers that manage leases do it themselves). */
  autoWorkingMs?: number;
  /** How long one pull waits for a message. */
  expiresMs?: number;
  onSettled?: (msg: JsMsg, settled: Settled, elapsedMs: number) => void;
  onPullError?: (err: Error) => void;
}

export interface RunningConsumer {
  /** Resolves when pulling stopped, every in-flight handler returned and its message settled. */
  done: Promise<void>;
  inFlight(): number;
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(coerceError(e));
      },
    );
  });
}
const ABORTED = Symbol("aborted");

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Runs a durable pull consumer with `concurrency` slots. Each free slot has exactly one
 * outstanding `next()`, so no message waits in a client buffer with its ack timer running.
 */
export function runConsumer(opts: RunConsumerOptions): RunningConsumer {
  let inFlight = 0;
  let consumer: Consumer | undefined;
  const expires = opts.expiresMs ?? 10_000;

  const getConsumer = async (): Promise<Consumer> => {
    consumer ??= await opts.js.consumers.get(opts.stream, opts.consumer);
    return consumer;
  };

  // Settling (ack, nak, DLQ copy) runs while the slot already pulls its next message: the
  // outcome is decided, and the acknowledgement's round trip need not delay the next task.
  const settling = new Set<Promise<void>>();
  const settleInBackground = (msg: JsMsg, outcome: Outcome, started: number): void => {
    const p = settle(msg, outcome, {
      js: opts.js,
      dlqSubject: opts.dlqSubject,
      maxDeliveries: opts.maxDeliveries,
      taskId: opts.taskIdOf?.(msg),
    }).then(
      (settled) => opts.onSettled?.(msg, settled, performance.now() - started),
      (err: unknown) => opts.onPullError?.(coerceError(err)),
    );
    settling.add(p);
    void p.finally(() => settling.delete(p));
  };

  const handle = async (msg: JsMsg): Promise<void> => {
    inFlight++;
    const started = performance.now();
    const timer =
      opts.autoWorkingMs !== undefined
        ? setInterval(() => msg.working(), opts.autoWorkingMs)
        : undefined;
    let outcome: Outcome;
    try {
      outcome = await opts.handler(msg, { force: opts.force });
    } catch (err) {
      outcome = outcomeFromError(err, msg.info.deliveryCount);
    } finally {
      if (timer) clearInterval(timer);
      inFlight--;
    }
    settleInBackground(msg, outcome, started);
  };

  const slot = async (): Promise<void> => {
    let failures = 0;
    while (!opts.stop.aborted) {
      let next: JsMsg | null | typeof ABORTED;
      try {
        const c = await getConsumer();
        const pending = c.next({ expires });
        next = await abortable(pending, opts.stop);
        if (next === ABORTED) {
          // A message that arrives for an abandoned pull goes straight back.
          pending.then((late) => late?.nak(0)).catch(() => undefined);
          break;
        }
        failures = 0;
      } catch (err) {
        consumer = undefined;
        failures++;
        opts.onPullError?.(coerceError(err));
        await sleep(Math.min(5_000, 250 * 2 ** Math.min(failures, 5)), opts.stop);
        continue;
      }
      if (next === null) continue;
      await handle(next);
    }
  };

  const slots = Array.from({ length: opts.concurrency }, () => slot());
  return {
    done: Promise.all(slots).then(async () => {
      while (settling.size > 0) await Promise.all(settling);
    }),
    inFlight: () => inFlight,
  };
}
