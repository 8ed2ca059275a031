import {
  isTerminal,
  type Task,
  type TaskRecord,
  type TaskResult,
  type WaitReason,
} from "@nightshift/contracts";
import { coerceError, isNightshiftError } from "@nightshift/errors";
import {
  ack,
  copyRecord,
  publishTerminalEvent,
  retry,
  type EventPublisher,
  type Outcome,
} from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import type { ExecutorContext } from "./context.ts";
import type { AttemptRecord } from "./fenced-record.ts";

/** What every way of ending an attempt needs. */
export interface AttemptScope {
  ctx: ExecutorContext;
  task: Task;
  backendName: string;
  record: AttemptRecord;
  events: EventPublisher;
  log: Logger;
  /** When the attempt started (ms), for the duration metric. */
  t0: number;
  /** Changes from the run (usage, session) written with the final state, in one CAS. */
  applyRun?: (r: TaskRecord) => void;
}

export interface Ending {
  state: "succeeded" | "failed" | "blocked" | "cancelled";
  reason?: string | undefined;
  detail?: string | undefined;
  result: TaskResult;
  /** Ask the result sinks to land the result (merge its pull request): policy allowed it. */
  land?: boolean;
}

/**
 * Ends the task: result sinks (pull request, comments) first, then the final state in the
 * record and an event. A task someone else ended meanwhile (cancelled while it waited at a
 * checkpoint) stays as they left it.
 */
export async function finish(s: AttemptScope, e: Ending): Promise<Outcome> {
  if (isTerminal(s.record.current().state)) return ack();
  let result = e.result;
  for (const sink of s.ctx.sinks) {
    const preview = copyRecord(s.record.current());
    s.applyRun?.(preview);
    preview.state = e.state;
    preview.result = result;
    if (!sink.accepts(preview)) continue;
    try {
      const extra = await sink.deliver(
        preview,
        s.log.child({ sink: sink.name }),
        e.land === true ? { land: true } : undefined,
      );
      if (extra?.pullRequestUrl !== undefined)
        result = { ...result, pullRequestUrl: extra.pullRequestUrl };
      if (extra?.landing !== undefined) result = { ...result, landing: extra.landing };
    } catch (err) {
      return retryLater(s, `sink-${sink.name}`, coerceError(err).message);
    }
  }
  if (e.land === true && result.landing === undefined)
    result = {
      ...result,
      landing: {
        state: "ready-for-review",
        detail: "no result sink could merge the pull request (GitHub credentials missing?)",
      },
    };
  let done: TaskRecord;
  try {
    done = await s.record.transition(e.state, {
      reason: e.reason,
      detail: e.detail,
      patch: (r) => {
        s.applyRun?.(r);
        r.result = result;
        delete r.checkpoint;
      },
    });
  } catch (err) {
    if (
      isNightshiftError(err, "CONFLICT") &&
      isTerminal((await s.ctx.bus.tasks.get(s.task.id))?.record.state ?? "queued")
    ) {
      s.log.info("the task was ended elsewhere meanwhile");
      return ack();
    }
    throw err;
  }
  // Notifications hang on this event: the message is acknowledged only once it is stored
  // (built from the record, so a redelivery can publish it again, deduplicated). The
  // attempt's own events go first.
  s.events.release();
  try {
    await publishTerminalEvent(s.ctx.bus.js, done);
  } catch (err) {
    s.log.warn({ err: coerceError(err) }, "terminal event not published: it will be on redelivery");
    return retry("terminal event not published", s.ctx.config.executor.retryDelay);
  }
  const outcome = result.outcome;
  s.ctx.metrics.outcomes.inc({ backend: s.backendName, outcome });
  s.ctx.metrics.duration.observe({ backend: s.backendName, outcome }, (Date.now() - s.t0) / 1000);
  s.log.info(
    { state: e.state, reason: e.reason, detail: e.detail, attempt: s.record.attempt },
    `task ${e.state}`,
  );
  return ack();
}

/** An infrastructure failure (git, workspace): back to the queue, retried after `retryDelay`. */
export async function retryLater(
  s: AttemptScope,
  reason: string,
  detail: string,
): Promise<Outcome> {
  s.log.warn({ reason, detail, attempt: s.record.attempt }, "attempt failed; will retry");
  await s.record.transition("queued", { reason, detail, patch: (r) => s.applyRun?.(r) });
  s.events.emit({ type: "state", state: "queued", reason, detail });
  s.events.emit({ type: "error", message: detail, code: reason });
  return retry(`${reason}: ${detail}`, s.ctx.config.executor.retryDelay);
}

export interface WaitSpec {
  waitReason: WaitReason | "interrupted";
  detail: string;
  /** When to look again. */
  until: Date;
  /** The attempt does not count against maxAttempts (a provider's limit, a shutdown). */
  free: boolean;
}

/**
 * Puts the task aside until `until`: `waiting` with its reason (a rate limit), or back to
 * `queued` after a shutdown. The message is naked with that delay, so no slot is held.
 */
export async function setAside(s: AttemptScope, w: WaitSpec): Promise<Outcome> {
  const delay = Math.max(0, w.until.getTime() - Date.now());
  const patch = (r: TaskRecord): void => {
    s.applyRun?.(r);
    if (w.free) r.freeAttempts = (r.freeAttempts ?? 0) + 1;
  };
  if (w.waitReason === "interrupted") {
    await s.record.transition("queued", { reason: "interrupted", detail: w.detail, patch });
    s.events.emit({ type: "state", state: "queued", reason: "interrupted", detail: w.detail });
  } else {
    await s.record.transition("waiting", {
      reason: w.waitReason,
      waitReason: w.waitReason,
      waitUntil: w.until.toISOString(),
      detail: w.detail,
      patch,
    });
    s.events.emit({
      type: "state",
      state: "waiting",
      reason: w.waitReason,
      waitReason: w.waitReason,
      detail: w.detail,
    });
  }
  return retry(`${w.waitReason}: ${w.detail}`, delay);
}
