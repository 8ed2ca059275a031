import { isTerminal, Keys, Task, type TaskRecord } from "@nightshift/contracts";
import { coerceError, isNightshiftError, PermanentError } from "@nightshift/errors";
import {
  ack,
  acquireLease,
  applyTransition,
  dead,
  ensureTerminalEvent,
  eventPublisher,
  newRecord,
  recordFromHeaders,
  retry,
  type EventPublisher,
  type JsMsg,
  type Lease,
  type MessageContext,
  type Outcome,
  type StoredRecord,
} from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import type { Workspace } from "@nightshift/workspace";
import { busyDelay } from "./busy-delay.ts";
import type { ExecutorContext } from "./context.ts";
import { heldBack } from "./hold-back.ts";
import { roleBackends, workerBackend } from "./loop-roles.ts";
import { runAttempt } from "./run-attempt.ts";

function describeZod(err: unknown): string {
  if (err instanceof SyntaxError) return `not JSON: ${err.message}`;
  const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (Array.isArray(issues))
    return issues
      .map((i) => `${i.path.map(String).join(".") || "(task)"}: ${i.message}`)
      .join("; ");
  return coerceError(err).message;
}

/** Reasons this handler fails a task with before it runs, dead-lettering its message. */
const DEAD_LETTERED = new Set(["max-attempts", "no-backend", "unknown-backend"]);

/**
 * Handles one delivery of a task: validates it, settles duplicates and cancellations,
 * takes the repository lease, counts the attempt and runs it. Every decision returns an
 * Outcome; `settle` turns it into ack / nak / DLQ+term.
 */
export function createTaskHandler(
  ctx: ExecutorContext,
): (msg: JsMsg, mc: MessageContext) => Promise<Outcome> {
  const { bus, config } = ctx;
  return async (msg, mc) => {
    let task: Task;
    try {
      task = Task.parse(msg.json());
    } catch (err) {
      const detail = describeZod(err);
      ctx.log.warn(
        { subject: msg.subject, seq: msg.info.streamSequence, detail },
        "invalid task payload: dead-lettered",
      );
      return dead("invalid-payload", detail);
    }
    const log = ctx.log.child({ taskId: task.id, delivery: msg.info.deliveryCount });
    const pre = eventPublisher(
      bus.js,
      task.id,
      0,
      `d${msg.info.streamSequence}.${msg.info.deliveryCount}`,
    );

    // The record the producer created with this message, rebuilt from it: the first
    // delivery of a task fresh from its producer needs no read (a one-shot executor reads
    // anyway, so that none of its few attempts goes to a task that turns out finished).
    const hinted =
      msg.info.deliveryCount === 1 && config.executor.maxTasks === undefined
        ? recordFromHeaders(task, msg.headers)
        : undefined;
    return handleTask(task, msg, mc, log, pre, hinted);
  };

  async function handleTask(
    task: Task,
    msg: JsMsg,
    mc: MessageContext,
    log: Logger,
    pre: EventPublisher,
    hinted: StoredRecord | undefined,
  ): Promise<Outcome> {
    // A review loop's worker may have its own backend; the reviewer's is the loop's business.
    const backendName = workerBackend(config, task);
    // Read together: the record (unless the message says what it is), a cancellation, and
    // whether the task must wait (its backend is rate-limited or a budget is spent) before
    // an attempt is spent on it.
    const [found, cancel, holdBack] = await Promise.all([
      hinted ?? bus.tasks.get(task.id),
      ctx.control.check(task.id),
      backendName !== undefined
        ? heldBack(ctx, task, roleBackends(config, task, backendName))
        : undefined,
    ]);
    let stored = found;
    if (!stored) {
      // The message can arrive before its record (a producer crashed in between) or after the record expired.
      await bus.tasks.create(newRecord(task));
      stored = await bus.tasks.get(task.id);
      if (!stored) return retry("task record could not be created", 1_000);
    }
    const record = stored.record;
    // An earlier attempt may have left its workspace here for a retry that will not come.
    const discardWorkspace = (): Promise<unknown> =>
      ctx.workspaces
        .discard(task.id)
        .catch((err: unknown) => log.warn({ err }, "workspace not removed; the sweeper will"));
    if (isTerminal(record.state)) {
      // The delivery that finished it may have died between the record and the rest: its
      // terminal event is published if missing, and a message it failed to dead-letter is
      // dead-lettered again (the DLQ's dedupe absorbs a copy that was written).
      await ensureTerminalEvent(bus.js, bus.jsm, record);
      await discardWorkspace();
      if (
        msg.info.deliveryCount > 1 &&
        record.state === "failed" &&
        DEAD_LETTERED.has(record.reason ?? "")
      )
        return dead(record.reason ?? "failed", record.detail);
      log.info({ state: record.state }, "task already finished: delivery acknowledged");
      return ack();
    }

    // Running from another message (re-published under a new Nats-Msg-Id): that message's
    // attempt is alive, or its message comes back once it is not; this copy is not needed.
    // (A redelivery of the same message after its attempt stopped answering takes over.)
    const from = record.state === "running" ? record.executor?.seq : undefined;
    if (from !== undefined && from !== msg.info.streamSequence) {
      log.info({ runningFrom: from }, "task running from another message: this copy acknowledged");
      return ack();
    }

    const finishEarly = async (
      to: "cancelled" | "failed",
      reason: string,
      detail: string,
    ): Promise<void> => {
      const out = await bus.tasks.update(task.id, (r) =>
        isTerminal(r.state) ? undefined : applyTransition(r, to, { reason, detail }),
      );
      // Throws when the event cannot be published: the message comes back and the
      // finished-task path above publishes it.
      if (out) await ensureTerminalEvent(bus.js, bus.jsm, out.record);
      await discardWorkspace();
    };

    if (cancel) {
      await finishEarly("cancelled", "cancelled", cancel.message ?? `cancelled by ${cancel.by}`);
      log.info("cancelled before it ran");
      return ack();
    }

    let backend;
    try {
      if (backendName === undefined) {
        throw new PermanentError(
          "no-backend",
          "the task names no backend and executor.defaultBackend is not set",
        );
      }
      backend = ctx.backends.get(backendName);
    } catch (err) {
      const e = coerceError(err);
      const reason = isNightshiftError(e, "PERMANENT")
        ? (e as PermanentError).reason
        : "backend-error";
      await finishEarly("failed", reason, e.message);
      log.warn({ reason, detail: e.message }, "task failed before it ran");
      return dead(reason, e.message);
    }

    const counted = record.attempts - (record.freeAttempts ?? 0);
    if (counted >= config.executor.maxAttempts) {
      const detail = `gave up after ${counted} attempt(s); last: ${record.reason ?? record.state}`;
      await finishEarly("failed", "max-attempts", detail);
      return dead("max-attempts", detail);
    }

    // Held back before an attempt is spent: the provider said to wait, or a budget is used up.
    if (holdBack) {
      if (record.state !== "waiting" || record.waitReason !== holdBack.waitReason) {
        await bus.tasks.update(task.id, (r) =>
          r.state === "queued" || r.state === "waiting" || r.state === "running"
            ? applyTransition(r, "waiting", {
                reason: holdBack.waitReason,
                waitReason: holdBack.waitReason,
                waitUntil: holdBack.until.toISOString(),
                detail: holdBack.detail,
              })
            : undefined,
        );
        pre.emit({
          type: "state",
          state: "waiting",
          reason: holdBack.waitReason,
          waitReason: holdBack.waitReason,
          detail: holdBack.detail,
        });
        await pre.flush().catch(() => undefined);
      }
      return retry(holdBack.waitReason, Math.max(1_000, holdBack.until.getTime() - Date.now()));
    }

    let lease: Lease | undefined;
    if (task.repo) {
      lease = await acquireLease(bus.kv.leases, Keys.repoLease(task.repo.key), {
        owner: ctx.instance,
        taskId: task.id,
        acquiredAt: new Date().toISOString(),
      });
      if (!lease) {
        ctx.metrics.leaseBusy.inc();
        const wait = busyDelay(config.executor.busyDelay);
        // A task that is running holds on to that state: this is a second delivery (a
        // redelivery or a re-published duplicate) while an attempt, or its lease, lives.
        if (
          record.state === "queued" ||
          (record.state === "waiting" && record.waitReason !== "repo-busy")
        ) {
          const until = new Date(Date.now() + wait).toISOString();
          await bus.tasks.update(task.id, (r) =>
            r.state === "queued" || r.state === "waiting"
              ? applyTransition(r, "waiting", {
                  reason: "repo-busy",
                  waitReason: "repo-busy",
                  waitUntil: until,
                })
              : undefined,
          );
          pre.emit({
            type: "state",
            state: "waiting",
            reason: "repo-busy",
            waitReason: "repo-busy",
          });
          await pre.flush().catch(() => undefined);
        }
        return retry("repo-busy", wait);
      }
    }

    try {
      if (!ctx.quota.claim()) return retry("this executor has run its executor.maxTasks", 0);
      const attempt = record.attempts + 1;
      const prepare = (): Promise<Workspace> =>
        ctx.workspaces.prepare({ taskId: task.id, attempt, repo: task.repo });
      // A task picked up for the first time gets its workspace while the record is written
      // `running`: neither waits for the other. A record already `running` may belong to an
      // attempt still alive on this host: its workspace is touched only once the record
      // says this attempt owns the task.
      const toRunning = (r: TaskRecord): TaskRecord | undefined => {
        if (isTerminal(r.state)) return undefined;
        return applyTransition(r, "running", {
          patch: (n) => {
            n.attempts = attempt;
            n.executor = {
              instance: ctx.instance,
              ...(lease ? { fence: lease.acquiredFence } : {}),
              seq: msg.info.streamSequence,
            };
          },
        });
      };
      // The write goes out first; the workspace's synchronous file work then runs while
      // it is on the wire.
      const writing =
        stored === hinted
          ? bus.tasks.updateOnce(stored, toRunning)
          : bus.tasks.update(task.id, toRunning, stored);
      const early = record.state === "running" ? undefined : prepare();
      early?.catch(() => undefined);
      const out = await writing;
      if (out === "conflict") {
        // The record changed since its producer made it: decide again from the record.
        if (early) {
          await early.catch(() => undefined);
          await discardWorkspace();
        }
        // (no attempt was counted against executor.maxTasks: one-shot executors take no guesses)
        await lease?.release().catch(() => undefined);
        lease = undefined;
        return await handleTask(task, msg, mc, log, pre, undefined);
      }
      if (!out || out.record.state !== "running" || out.record.attempts !== attempt) {
        log.info("task finished or was cancelled while being picked up");
        if (early) {
          await early.catch(() => undefined);
          await discardWorkspace();
        }
        return ack();
      }
      const workspace = early ?? prepare();
      workspace.catch(() => undefined);
      return await runAttempt({
        ctx,
        task,
        started: out,
        workspace,
        msg,
        lease,
        force: mc.force,
        backend,
        backendName,
        log,
      });
    } finally {
      await lease
        ?.release()
        .catch((err: unknown) => log.warn({ err }, "lease release failed (it will expire)"));
    }
  }
}
