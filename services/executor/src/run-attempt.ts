import type { AgentBackend, AgentRunResult } from "@nightshift/agents";
import { isTerminal, type Task, type TaskRecord, type TaskResult } from "@nightshift/contracts";
import {
  coerceError,
  isNightshiftError,
  NightshiftError,
  type PermanentError,
} from "@nightshift/errors";
import {
  abandon,
  ack,
  eventPublisher,
  publishTerminalEvent,
  retry,
  type JsMsg,
  type Lease,
  type Outcome,
  type StoredRecord,
} from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import type { Workspace } from "@nightshift/workspace";
import { openAgentPlace, removeTaskHome, type AgentPlace } from "./agent-sandbox.ts";
import { attemptEnv } from "./agent-env.ts";
import { stillHeld } from "./confirm-lease.ts";
import type { ExecutorContext } from "./context.ts";
import {
  cleanUpWorkspace,
  deliverWork,
  describeWorkspace,
  type Delivery,
} from "./attempt-workspace.ts";
import { formatBytes, watchQuota, type QuotaWatch } from "./disk-quota.ts";
import { AttemptRecord } from "./fenced-record.ts";

export interface AttemptInput {
  ctx: ExecutorContext;
  task: Task;
  /** The record as the handler wrote it when the attempt started (state running). */
  started: StoredRecord;
  msg: JsMsg;
  lease: Lease | undefined;
  force: AbortSignal;
  backend: AgentBackend;
  backendName: string;
  log: Logger;
}

/** Why a run was stopped from outside. */
type StopReason = "timeout" | "cancelled" | "lease-lost" | "shutdown" | "disk-quota";

/**
 * Runs one attempt: workspace, agent, heartbeats, limits, then commits and pushes what
 * the agent did and records the outcome. The partial work of a stopped run is kept on
 * its branch. The agent's private home outlives attempts (sessions to resume live there)
 * and is removed when the task is settled for good.
 */
export async function runAttempt(a: AttemptInput): Promise<Outcome> {
  const outcome = await runOnce(a);
  if (outcome.kind === "ack" || outcome.kind === "dead")
    await removeTaskHome(a.ctx.config, a.task.id).catch((err: unknown) =>
      a.log.warn({ err }, "could not remove the agent's home"),
    );
  return outcome;
}

async function runOnce(a: AttemptInput): Promise<Outcome> {
  const { ctx, task, msg, lease, log } = a;
  const attempt = a.started.record.attempts;
  const cfg = ctx.config;
  // The stream sequence keeps a redriven or retried task's events (attempts counted from 1
  // again, on a new message) from being taken for duplicates of its earlier run's.
  const events = eventPublisher(
    ctx.bus.js,
    task.id,
    attempt,
    `s${msg.info.streamSequence}.a${attempt}`,
  );
  const record = new AttemptRecord(ctx.bus, a.started, ctx.instance);
  const stop = new AbortController();
  const halt = (why: StopReason): void => {
    if (!stop.signal.aborted) stop.abort(why);
  };
  const publishedAt = Number(msg.timestampNanos / 1_000n) / 1000;
  const t0 = Date.now();

  events.emit({ type: "state", state: "running" });
  ctx.metrics.running.inc();
  ctx.running.set(task.id, {
    taskId: task.id,
    attempt,
    backend: a.backendName,
    repo: task.repo?.url,
    startedAt: new Date().toISOString(),
  });

  // Heartbeat: renew the repository lease, and only while we hold it tell JetStream we
  // are working; a stale holder must not extend a delivery that is no longer its own.
  let beating = false;
  const heartbeat = setInterval(() => {
    if (beating) return;
    beating = true;
    void (async () => {
      try {
        if (lease && !(await lease.renew())) {
          log.warn("repository lease lost: stopping the agent");
          halt("lease-lost");
          return;
        }
        msg.working();
        if (await ctx.cancels.check(task.id)) halt("cancelled");
      } catch (err) {
        log.warn({ err: coerceError(err) }, "heartbeat failed");
      } finally {
        beating = false;
      }
    })();
  }, cfg.nats.heartbeat);
  const timeoutMs = (task.limits.timeoutSec ?? 0) * 1000 || cfg.executor.timeout;
  const timer = setTimeout(() => halt("timeout"), timeoutMs);
  const offCancel = ctx.cancels.on(task.id, () => halt("cancelled"));
  const onForce = (): void => halt("shutdown");
  a.force.addEventListener("abort", onForce, { once: true });

  let ws: Workspace | undefined;
  let quota: QuotaWatch | undefined;
  try {
    try {
      ws = await ctx.workspaces.prepare({ taskId: task.id, attempt, repo: task.repo });
    } catch (err) {
      const e = coerceError(err);
      if (isNightshiftError(e, "PERMANENT"))
        return await fail(
          a,
          record,
          events,
          undefined,
          (e as PermanentError).reason,
          e.message,
          undefined,
          t0,
        );
      return await retryLater(a, record, events, "workspace", e.message);
    }
    if (ws.branch) events.emit({ type: "log", level: "info", message: describeWorkspace(ws) });
    // The lease was taken before the workspace (a clone can take long, the executor may
    // have been paused meanwhile): the agent starts only under a lease that still holds.
    if (lease && !(await stillHeld(lease, stop.signal, a.ctx.config, a.force))) {
      log.warn({ fence: lease.acquiredFence }, "lease lost before the agent started");
      return abandon("lease lost before the agent started");
    }
    quota = watchQuota(
      ctx.workspaces,
      ws,
      cfg.workspace.quota,
      cfg.workspace.quotaInterval,
      () => halt("disk-quota"),
      (err) => log.warn({ err: coerceError(err) }, "workspace measurement failed"),
    );

    let place: AgentPlace;
    try {
      place = await openAgentPlace(ctx.sandbox, cfg, ctx.agentEnv, task.id, ws.dir);
    } catch (err) {
      return await retryLater(a, record, events, "sandbox", coerceError(err).message);
    }
    const session = record.current().session;
    let result: AgentRunResult;
    try {
      result = await a.backend.run({
        taskId: task.id,
        attempt,
        prompt: task.prompt,
        workspace: ws.dir,
        model: task.model,
        env: { ...place.env, ...attemptEnv(task.id, attempt, lease?.acquiredFence) },
        sandbox: place.box,
        maxTurns: task.limits.maxTurns,
        ...(session?.backend === a.backendName ? { resume: { sessionId: session.id } } : {}),
        ...(place.box.uid !== undefined
          ? { owner: { uid: place.box.uid, gid: place.box.gid ?? place.box.uid } }
          : {}),
        emit: events.emit,
        signal: stop.signal,
        killGraceMs: cfg.executor.killGrace,
        onSpawn: (pid, at) => {
          const dispatchMs = Math.max(0, at - publishedAt);
          ctx.metrics.dispatch.observe(dispatchMs / 1000);
          const r = ctx.running.get(task.id);
          if (r) r.pid = pid;
          events.emit({ type: "agent", phase: "spawned", backend: a.backendName, pid, dispatchMs });
        },
      });
    } catch (err) {
      const e = coerceError(err);
      if (isNightshiftError(e, "PERMANENT"))
        return await fail(a, record, events, undefined, "backend-error", e.message, undefined, t0);
      return await retryLater(a, record, events, "backend-error", e.message);
    } finally {
      // The workspace goes back to the executor's user before git touches it.
      await place.box.close();
    }
    if (result.rateLimit)
      events.emit({
        type: "error",
        code: "rate-limited",
        message: `rate limited until ${result.rateLimit.resetAt} (${result.rateLimit.source})`,
      });
    events.emit({
      type: "agent",
      phase: "exited",
      backend: a.backendName,
      exitCode: result.exitCode,
      signal: result.signal,
    });
    quota.stop();
    const why = stop.signal.aborted ? (stop.signal.reason as StopReason) : undefined;
    if (why === "lease-lost") return abandon("lease lost");

    // Over its disk quota the work is suspect (it is what filled the disk): nothing is pushed.
    const delivery: Delivery =
      why === "disk-quota"
        ? { kind: "delivered", pushed: false }
        : await deliverWork(
            ctx.workspaces,
            ws,
            `nightshift: ${firstLine(task.prompt)}\n\nTask: ${task.id}\nAttempt: ${attempt}`,
            ctx.secrets,
            // The push is the write the world sees: only the lease's holder may make it,
            // checked last before git runs (a push that has started finishes on its own).
            async () => {
              if (lease && !(await stillHeld(lease, stop.signal, a.ctx.config, a.force)))
                throw new NightshiftError("LEASE_LOST", "repository lease lost before the push");
            },
          );
    if (delivery.kind === "lease-lost") {
      log.warn({ fence: lease?.acquiredFence }, "lease lost before the push: not pushing");
      return abandon("lease lost before the push");
    }
    if (delivery.kind === "failed")
      return await retryLater(a, record, events, "push-failed", delivery.detail);
    for (const warning of delivery.facts?.warnings ?? [])
      events.emit({ type: "log", level: "warn", message: warning });
    const pushed = delivery.kind === "delivered" && delivery.pushed;
    const commit = delivery.kind === "delivered" ? delivery.commit : undefined;
    if (pushed)
      events.emit({ type: "log", level: "info", message: `pushed ${ws.branch} at ${commit}` });
    const base: TaskResult = {
      outcome: "succeeded",
      pushed,
      exitCode: result.exitCode,
      signal: result.signal,
      ...(ws.branch !== undefined ? { branch: ws.branch } : {}),
      ...(commit !== undefined ? { commit } : {}),
      ...(result.finalText !== undefined ? { summary: result.finalText.slice(0, 4000) } : {}),
    };
    // Usage and session go into the same CAS write as the final state.
    const branch = ws.branch;
    const applyRun = (r: TaskRecord): void => {
      r.usage = result.usage;
      if (result.sessionId) {
        r.session = { backend: a.backendName, id: result.sessionId, ...(branch ? { branch } : {}) };
      }
    };

    if (why === "disk-quota") {
      const used = quota.used() ?? 0;
      return await fail(
        a,
        record,
        events,
        applyRun,
        "disk-quota",
        `the workspace used ${formatBytes(used)}, over its ${formatBytes(cfg.workspace.quota)} quota; nothing was pushed`,
        { ...base, outcome: "disk-quota" },
        t0,
      );
    }
    if (delivery.kind === "refused") {
      return await fail(
        a,
        record,
        events,
        applyRun,
        delivery.reason,
        delivery.detail,
        { ...base, outcome: delivery.reason },
        t0,
      );
    }
    if (why === "shutdown") {
      await record.transition("queued", {
        patch: applyRun,
        reason: "interrupted",
        detail: "the executor shut down; the task will run again",
      });
      events.emit({ type: "state", state: "queued", reason: "interrupted" });
      return retry("interrupted by shutdown", 0);
    }
    if (why === "cancelled") {
      const req = await ctx.cancels.check(task.id);
      return await finish(
        a,
        record,
        events,
        applyRun,
        "cancelled",
        "cancelled",
        req?.message ?? `cancelled by ${req?.by ?? "request"}`,
        { ...base, outcome: "cancelled" },
        t0,
      );
    }
    if (why === "timeout") {
      return await fail(
        a,
        record,
        events,
        applyRun,
        "timeout",
        `exceeded the ${Math.round(timeoutMs / 1000)} s time limit`,
        { ...base, outcome: "timeout" },
        t0,
      );
    }
    if (result.aborted === "max-turns") {
      return await fail(
        a,
        record,
        events,
        applyRun,
        "max-turns",
        `stopped after ${result.usage.turns} turns (limit ${task.limits.maxTurns ?? "of the backend"})`,
        { ...base, outcome: "max-turns" },
        t0,
      );
    }
    if (result.exitCode !== 0) {
      const detail =
        (result.signal
          ? `agent killed by ${result.signal}`
          : `agent exited with code ${result.exitCode}`) +
        (result.error !== undefined ? `: ${result.error.slice(0, 500)}` : "");
      return await fail(
        a,
        record,
        events,
        applyRun,
        "exit-code",
        detail,
        { ...base, outcome: "exit-code" },
        t0,
      );
    }
    if (delivery.kind === "delivered" && delivery.facts?.noop === true) {
      return await fail(
        a,
        record,
        events,
        applyRun,
        "noop",
        "the agent exited 0 without committing or changing anything",
        { ...base, outcome: "noop" },
        t0,
      );
    }
    return await finish(a, record, events, applyRun, "succeeded", undefined, undefined, base, t0);
  } catch (err) {
    if (isNightshiftError(err, "LEASE_LOST")) return abandon(coerceError(err).message);
    throw err;
  } finally {
    quota?.stop();
    clearInterval(heartbeat);
    clearTimeout(timer);
    offCancel();
    a.force.removeEventListener("abort", onForce);
    // Not awaited either: the task's lock orders it before any next attempt's preparation.
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

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 72 ? `${line.slice(0, 69)}...` : line;
}

type Events = ReturnType<typeof eventPublisher>;

async function finish(
  a: AttemptInput,
  record: AttemptRecord,
  events: Events,
  applyRun: ((r: TaskRecord) => void) | undefined,
  state: "succeeded" | "cancelled" | "failed" | "blocked",
  reason: string | undefined,
  detail: string | undefined,
  result: TaskResult | undefined,
  t0: number,
): Promise<Outcome> {
  let delivered = result;
  for (const sink of a.ctx.sinks) {
    const preview = structuredClone(record.current());
    applyRun?.(preview);
    preview.state = state;
    if (delivered) preview.result = delivered;
    if (!sink.accepts(preview)) continue;
    try {
      const extra = await sink.deliver(preview, a.log.child({ sink: sink.name }));
      if (extra?.pullRequestUrl !== undefined && delivered)
        delivered = { ...delivered, pullRequestUrl: extra.pullRequestUrl };
    } catch (err) {
      return retryLater(a, record, events, `sink-${sink.name}`, coerceError(err).message);
    }
  }
  result = delivered;
  const done = await record.transition(state, {
    reason,
    detail,
    patch: (r) => {
      applyRun?.(r);
      if (result) r.result = result;
    },
  });
  // Notifications hang on this event: the message is acknowledged only once it is stored.
  try {
    await publishTerminalEvent(a.ctx.bus.js, done);
  } catch (err) {
    a.log.warn({ err: coerceError(err) }, "terminal event not published: it will be on redelivery");
    return retry("terminal event not published", a.ctx.config.executor.retryDelay);
  }
  const outcome = result?.outcome ?? reason ?? state;
  a.ctx.metrics.outcomes.inc({ backend: a.backendName, outcome });
  a.ctx.metrics.duration.observe({ backend: a.backendName, outcome }, (Date.now() - t0) / 1000);
  a.log.info({ state, reason, detail, attempt: record.attempt }, `task ${state}`);
  return ack();
}

function fail(
  a: AttemptInput,
  record: AttemptRecord,
  events: Events,
  applyRun: ((r: TaskRecord) => void) | undefined,
  reason: string,
  detail: string,
  result: TaskResult | undefined,
  t0: number,
): Promise<Outcome> {
  return finish(
    a,
    record,
    events,
    applyRun,
    "failed",
    reason,
    detail,
    result ?? { outcome: reason, pushed: false },
    t0,
  );
}

/** An infrastructure failure (git, workspace): back to the queue, retried after `retryDelay`. */
async function retryLater(
  a: AttemptInput,
  record: AttemptRecord,
  events: Events,
  reason: string,
  detail: string,
): Promise<Outcome> {
  a.log.warn({ reason, detail, attempt: record.attempt }, "attempt failed; will retry");
  await record.transition("queued", { reason, detail });
  events.emit({ type: "state", state: "queued", reason, detail });
  events.emit({ type: "error", message: detail, code: reason });
  return retry(`${reason}: ${detail}`, a.ctx.config.executor.retryDelay);
}
