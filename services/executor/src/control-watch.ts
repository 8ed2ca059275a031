import { Buckets, CancelRequest, Keys } from "@nightshift/contracts";
import { DeliverPolicy, type JetStreamClient, type JsMsg, type KV } from "@nightshift/messaging";
import { openBreaker, type Breaker } from "./rate-limit-breaker.ts";

type Listener = (req: CancelRequest) => void;

/**
 * The control bucket's cancellation flags and rate-limit breakers, as this executor sees
 * them: one watch keeps them in memory, so picking up a task asks NATS nothing for them.
 */
export interface ControlWatch {
  /**
   * Registers a running task; the listener is called when it is cancelled, at once (on a
   * microtask) when the flag is already there. Returns the unregister function.
   */
  on(taskId: string, listener: Listener): () => void;
  /** The task's cancellation flag, if it has one. */
  check(taskId: string): Promise<CancelRequest | undefined>;
  /** The account's breaker while it is open. */
  breaker(account: string, now?: Date): Promise<Breaker | undefined>;
  stop(): void;
}

const CANCEL = "cancel.";
const RATE_LIMIT = Keys.rateLimit("");
const STREAM = `KV_${Buckets.control}`;
const PREFIX = `$KV.${Buckets.control}.`;

function parseCancel(data: unknown, at: Date): CancelRequest {
  const r = CancelRequest.safeParse(data);
  return r.success ? r.data : { at: at.toISOString(), by: "unknown" };
}

function json(m: JsMsg): unknown {
  try {
    return m.json();
  } catch {
    return {};
  }
}

/**
 * Starts the watch and resolves once it holds every flag and breaker written before it
 * started (the consumer's pending count at creation), so an absent flag means absent.
 * Until then, and if the watch ends, answers come from the bucket itself.
 */
export async function startControlWatch(
  js: JetStreamClient,
  control: KV,
  onError: (err: unknown) => void,
): Promise<ControlWatch> {
  const cancels = new Map<string, CancelRequest>();
  const breakers = new Map<string, Breaker>();
  const listeners = new Map<string, Listener>();
  let synced = false;

  const consumer = await js.consumers.getPushConsumer(STREAM, {
    filter_subjects: [`${PREFIX}${CANCEL}>`, `${PREFIX}${RATE_LIMIT}>`],
    deliver_policy: DeliverPolicy.LastPerSubject,
  });
  const initial = (await consumer.info(true)).num_pending;
  let seen = 0;
  let markSynced = (): void => undefined;
  const ready = new Promise<void>((resolve) => {
    markSynced = () => {
      synced = true;
      resolve();
    };
  });
  if (initial === 0) markSynced();

  const apply = (m: JsMsg): void => {
    const key = m.subject.slice(PREFIX.length);
    const op = m.headers?.get("KV-Operation");
    const removed = op === "DEL" || op === "PURGE";
    if (key.startsWith(CANCEL)) {
      const taskId = key.slice(CANCEL.length);
      if (removed) {
        cancels.delete(taskId);
        return;
      }
      const req = parseCancel(json(m), new Date(Number(m.timestampNanos / 1_000_000n)));
      cancels.set(taskId, req);
      listeners.get(taskId)?.(req);
    } else if (key.startsWith(RATE_LIMIT)) {
      const account = key.slice(RATE_LIMIT.length);
      const b = removed ? undefined : (json(m) as Partial<Breaker>);
      if (b && typeof b.until === "string") breakers.set(account, b as Breaker);
      else breakers.delete(account);
    }
  };

  const messages = await consumer.consume({
    callback: (m) => {
      apply(m);
      if (!synced && ++seen >= initial) markSynced();
    },
  });
  // From here on the bucket answers: an ordered consumer ends only when stopped or broken.
  void messages.closed().then(
    (err) => {
      synced = false;
      if (err instanceof Error) onError(err);
    },
    (err: unknown) => {
      synced = false;
      onError(err);
    },
  );
  await ready;

  return {
    on(taskId, listener) {
      listeners.set(taskId, listener);
      const flagged = cancels.get(taskId);
      if (flagged) queueMicrotask(() => listeners.get(taskId)?.(flagged));
      return () => {
        if (listeners.get(taskId) === listener) listeners.delete(taskId);
      };
    },
    async check(taskId) {
      if (synced) return cancels.get(taskId);
      const e = await control.get(Keys.cancel(taskId));
      if (!e || e.operation !== "PUT") return undefined;
      let data: unknown;
      try {
        data = e.json();
      } catch {
        data = {};
      }
      return parseCancel(data, e.created);
    },
    async breaker(account, now = new Date()) {
      if (!synced) return openBreaker(control, account, now);
      const b = breakers.get(account);
      return b && Date.parse(b.until) > now.getTime() ? b : undefined;
    },
    stop() {
      synced = false;
      void messages.close();
    },
  };
}
