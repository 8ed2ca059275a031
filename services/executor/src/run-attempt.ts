import type { AgentBackend } from "@nightshift/agents";
import { isTerminal, type Task } from "@nightshift/contracts";
import { coerceError, isNightshiftError, PermanentError } from "@nightshift/errors";
import {
  abandon,
  eventPublisher,
  type JsMsg,
  type Lease,
  type Outcome,
  type StoredRecord,
} from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import type { Workspace } from "@nightshift/workspace";
import { removeTaskHome } from "./agent-sandbox.ts";
import { cleanUpWorkspace, describeWorkspace } from "./attempt-workspace.ts";
import type { ExecutorContext } from "./context.ts";
import { watchQuota, type QuotaWatch } from "./disk-quota.ts";
import { AttemptRecord } from "./fenced-record.ts";
import { finish, retryLater, type AttemptScope } from "./finalize.ts";
import { forgetHome } from "./session-archive.ts";
import { runLoop } from "./loop-mode.ts";
import { runSingle } from "./single-mode.ts";
import { AttemptStops } from "./stops.ts";

export interface AttemptInput {
  ctx: ExecutorContext;
  task: Task;
  /** The record as the handler wrote it when the attempt started (state running). */
  started: StoredRecord;
  /** The task's workspace for this attempt, being prepared. */
  workspace: Promise<Workspace>;
  msg: JsMsg;
  lease: Lease | undefined;
  force: AbortSignal;
  backend: AgentBackend;
  backendName: string;
  log: Logger;
}

/**
 * Runs one attempt and, when the task is settled for good, has the agent's private home
 * and its copy in the object store removed (a task that will run again keeps both: its
 * session is resumed from them).
 */
export async function runAttempt(a: AttemptInput): Promise<Outcome> {
  const record = new AttemptRecord(a.ctx.bus, a.started, a.ctx.instance);
  const outcome = await runOnce(a, record);
  if (outcome.kind === "ack" || outcome.kind === "dead") {
    // After the slot has moved on: the outcome is settled already, and a later attempt of
    // this task (a redrive) waits for these before it touches the home.
    const archived =
      record.current().session !== undefined || a.started.record.session !== undefined;
    a.ctx.chores.later(a.task.id, () =>
      Promise.all([
        removeTaskHome(a.ctx.config, a.task.id).catch((err: unknown) =>
          a.log.warn({ err }, "could not remove the agent's home"),
        ),
        // Homes are archived only for agents that named a session.
        archived ? forgetHome(a.ctx.bus.artifacts, a.task.id) : undefined,
      ]),
    );
  }
  return outcome;
}

/**
 * One attempt's lifecycle: limits and heartbeats, the workspace and its quota, then the
 * task's mode does the work. Everything acquired here is released here.
 */
async function runOnce(a: AttemptInput, record: AttemptRecord): Promise<Outcome> {
  const { ctx, task, msg, log } = a;
  const cfg = ctx.config;
  const attempt = record.attempt;
  // The stream sequence keeps a redriven or retried task's events (attempts counted from 1
  // again, on a new message) from being taken for duplicates of its earlier run's.
  const events = eventPublisher(
    ctx.bus.js,
    task.id,
    attempt,
    `s${msg.info.streamSequence}.a${attempt}`,
  );
  const timeoutMs = (task.limits.timeoutSec ?? 0) * 1000 || cfg.executor.timeout;
  const stops = new AttemptStops({
    taskId: task.id,
    msg,
    lease: a.lease,
    cancels: ctx.control,
    force: a.force,
    heartbeatMs: cfg.nats.heartbeat,
    timeoutMs,
    wrapUpMs: Math.min(cfg.executor.wrapUp, Math.floor(timeoutMs / 5)),
    log,
  });
  const scope: AttemptScope = {
    ctx,
    task,
    backendName: a.backendName,
    record,
    events,
    log,
    t0: Date.now(),
  };
  // Goes out with the attempt's next event (the agent's start, usually): no publish of its
  // own between the record's write and the agent's spawn.
  events.defer({ type: "state", state: "running" });
  ctx.metrics.running.inc();
  ctx.running.set(task.id, {
    taskId: task.id,
    attempt,
    backend: a.backendName,
    repo: task.repo?.url,
    startedAt: new Date().toISOString(),
  });

  let ws: Workspace | undefined;
  let quota: QuotaWatch | undefined;
  try {
    try {
      ws = await a.workspace;
    } catch (err) {
      const e = coerceError(err);
      if (isNightshiftError(e, "PERMANENT")) {
        const reason = (e as PermanentError).reason;
        return await finish(scope, {
          state: "failed",
          reason,
          detail: e.message,
          result: { outcome: reason, pushed: false },
        });
      }
      return await retryLater(scope, "workspace", e.message);
    }
    if (ws.branch) events.emit({ type: "log", level: "info", message: describeWorkspace(ws) });
    quota = watchQuota(
      ctx.workspaces,
      ws,
      cfg.workspace.quota,
      cfg.workspace.quotaInterval,
      () => stops.halt("disk-quota"),
      (err) => log.warn({ err: coerceError(err) }, "workspace measurement failed"),
    );
    const backendConfig = cfg.backends[a.backendName];
    if (!backendConfig)
      throw new PermanentError("unknown-backend", `unknown backend "${a.backendName}"`);
    return await (task.loop ? runLoop : runSingle)({
      scope,
      stops,
      ws,
      backend: a.backend,
      backendConfig,
      publishedAt: Number(msg.timestampNanos / 1_000n) / 1000,
      quota,
      timeoutMs,
    });
  } catch (err) {
    if (isNightshiftError(err, "LEASE_LOST")) return abandon(coerceError(err).message);
    const e = coerceError(err);
    if (isNightshiftError(e, "SANDBOX")) return await retryLater(scope, "sandbox", e.message);
    throw err;
  } finally {
    quota?.stop();
    stops.dispose();
    // Not awaited: the task's lock orders it before any next attempt's preparation.
    if (ws) void cleanUpWorkspace(ctx.workspaces, ws, isTerminal(record.current().state), log);
    ctx.running.delete(task.id);
    ctx.metrics.running.dec();
    // Not awaited: the final state is in the record already; the connection's drain on
    // shutdown flushes what is still in flight.
    void events
      .flush()
      .catch((err: unknown) => log.warn({ err }, "some task events were not published"));
  }
}
