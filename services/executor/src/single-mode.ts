import type { AgentBackend } from "@nightshift/agents";
import { addSpend, abandon, budgetScopes, type Outcome } from "@nightshift/messaging";
import type { BackendConfig } from "@nightshift/config";
import type { TaskResult, Usage } from "@nightshift/contracts";
import { buildPrompt } from "@nightshift/prompts";
import { instructionList, type GitFacts, type Workspace } from "@nightshift/workspace";
import { runAgentPhase, type AgentPhase } from "./agent-phase.ts";
import { awaitCheckpoint } from "./checkpoint.ts";
import { decideOutcome, type Decision } from "./decide-outcome.ts";
import { commitMessage, leaseCheck, pushWork, settleWork } from "./deliver.ts";
import { formatBytes, type QuotaWatch } from "./disk-quota.ts";
import { finish, retryLater, setAside, type AttemptScope } from "./finalize.ts";
import { tripBreaker } from "./rate-limit-breaker.ts";
import { repositorySettings, runRepoCheck, type CheckResult } from "./repo-check.ts";
import type { AttemptStops } from "./stops.ts";
import { addUsage } from "./usage.ts";

export interface ModeInput {
  scope: AttemptScope;
  stops: AttemptStops;
  ws: Workspace;
  backend: AgentBackend;
  backendConfig: BackendConfig;
  publishedAt: number;
  quota: QuotaWatch;
  timeoutMs: number;
}

/** How often one attempt may go back to the agent after a person answered its blocker. */
const MAX_CONTINUATIONS = 3;

/**
 * A task in one go: the agent works, the repository's check runs, the outcome is decided
 * from every source, supervised tasks stop at their checkpoints, and the branch is pushed
 * (partial work too, when a limit stopped the agent).
 */
export async function runSingle(m: ModeInput): Promise<Outcome> {
  const { scope: s, stops, ws } = m;
  const { ctx, task } = s;
  const cfg = ctx.config;
  const supervised = task.mode === "supervised";
  const checkpoints = cfg.supervision.checkpoints;
  const instructions = ws.repo
    ? instructionList(await ctx.workspaces.instructions(ws), ["worker"])
    : [];
  const built = buildPrompt(
    { task, branch: ws.branch, instructions, resultContract: true },
    cfg.prompts,
  );
  const before = s.record.current();
  const session = before.session;
  let resume = session?.backend === s.backendName ? session.id : undefined;
  const bc = m.backendConfig;
  const rawPrompt =
    bc.type === "command" && (bc.promptText ?? (bc.preset ? "built" : "task")) === "task";
  let prompt = rawPrompt ? task.prompt : built.prompt;
  let attemptUsage: Usage | undefined;
  let sessionId = resume;
  s.applyRun = (r) => {
    if (attemptUsage) r.usage = addUsage(before.usage, attemptUsage);
    if (sessionId !== undefined)
      r.session = {
        backend: s.backendName,
        id: sessionId,
        ...(ws.branch ? { branch: ws.branch } : {}),
      };
  };
  const scopes = budgetScopes(task, cfg.budgets);

  let phase: AgentPhase;
  let check: CheckResult | undefined;
  let facts: GitFacts | undefined;
  let decision: Decision;
  let approvedNote: string | undefined;
  for (let continuations = 0; ; continuations++) {
    // The lease was taken before the workspace was made (a clone can take long; this
    // executor may have been paused meanwhile): the agent starts only while it holds.
    if (!(await stops.stillHolds(cfg.nats.leaseTtl))) {
      s.log.warn({ fence: stops.fence }, "lease lost before the agent started");
      return abandon("lease lost before the agent started");
    }
    phase = await runAgentPhase({
      ctx,
      task,
      record: s.record,
      events: s.events,
      stops,
      ws,
      backend: m.backend,
      backendName: s.backendName,
      backendConfig: m.backendConfig,
      prompt,
      system: built.system,
      resume,
      publishedAt: m.publishedAt,
      log: s.log,
    });
    const r = phase.result;
    attemptUsage = attemptUsage ? addUsage(attemptUsage, r.usage) : r.usage;
    if (r.sessionId !== undefined) sessionId = r.sessionId;
    if (r.usage.costUsd > 0)
      await addSpend(ctx.bus.kv.budgets, scopes, r.usage.costUsd).catch(() => undefined);
    m.quota.stop();

    const stopped = stops.reason ?? (r.aborted === "max-turns" ? "max-turns" : undefined);
    if (stopped === "lease-lost") return abandon("lease lost");
    if (phase.rejected) {
      const { by, message } = phase.rejected;
      return finish(s, {
        state: "cancelled",
        reason: "rejected",
        detail: `rejected by ${by}${message ? `: ${message}` : ""}`,
        result: { outcome: "rejected", pushed: false },
      });
    }
    if (r.rateLimit && stopped === undefined) {
      const until = new Date(r.rateLimit.resetAt);
      await tripBreaker(ctx.bus.kv.control, s.backendName, until, r.rateLimit.source);
      const kept = await keepPartialWork(m);
      if (kept !== undefined) return kept;
      return setAside(s, {
        waitReason: "rate-limited",
        until,
        free: true,
        detail: `the provider limits requests until ${until.toISOString()} (${r.rateLimit.source})`,
      });
    }
    if (stopped === "shutdown") {
      const kept = await keepPartialWork(m);
      if (kept !== undefined) return kept;
      return setAside(s, {
        waitReason: "interrupted",
        until: new Date(),
        free: true,
        detail: "the executor shut down; the task will run again",
      });
    }

    const settings = repositorySettings(cfg, task);
    if (
      settings?.check &&
      stopped === undefined &&
      r.exitCode === 0 &&
      phase.resultFile.kind !== "invalid"
    ) {
      check = await runRepoCheck(ctx, task, ws, settings.check, stops.signal);
      s.events.emit({
        type: "log",
        level: check.passed ? "info" : "warn",
        message: `check \`${settings.check.command}\` ${check.passed ? "passed" : check.timedOut ? "timed out" : `failed (exit ${check.exitCode})`}`,
      });
    }
    if (ws.repo && stopped !== "disk-quota") {
      const settled = await settleWork(
        ctx.workspaces,
        ws,
        commitMessage(task.prompt, task.id, s.record.attempt),
      );
      if (settled.kind === "failed") return retryLater(s, "workspace", settled.detail);
      facts = settled.facts;
      for (const warning of facts.warnings)
        s.events.emit({ type: "log", level: "warn", message: warning });
    }
    const cancel = stopped === "cancelled" ? await ctx.control.check(task.id) : undefined;
    decision = decideOutcome({
      exitCode: r.exitCode,
      signal: r.signal,
      stopped,
      backendError: r.exitCode === 0 ? undefined : r.error,
      resultFile: phase.resultFile,
      resultRequired: m.backendConfig.resultFile === "required",
      git: facts ? { noop: facts.noop } : undefined,
      check: check ? { passed: check.passed, output: check.output } : undefined,
      timeoutDetail: `exceeded the ${Math.round(m.timeoutMs / 1000)} s time limit`,
      maxTurnsDetail: `stopped after ${r.usage.turns} turns (limit ${task.limits.maxTurns ?? "of the backend"})`,
      quotaDetail: `the workspace used ${formatBytes(m.quota.used() ?? 0)}, over its ${formatBytes(cfg.workspace.quota)} quota; nothing was pushed`,
      ...(cancel ? { cancelDetail: cancel.message ?? `cancelled by ${cancel.by}` } : {}),
    });
    if (decision.state === "failed" && decision.reason === "exit-code" && r.error !== undefined) {
      decision = { ...decision, detail: `${decision.detail}: ${r.error.slice(0, 500)}` };
    }

    if (
      supervised &&
      decision.state === "blocked" &&
      checkpoints.includes("on-blocker") &&
      continuations < MAX_CONTINUATIONS
    ) {
      const answer = await awaitCheckpoint({
        control: ctx.bus.kv.control,
        record: s.record,
        events: s.events,
        stops,
        name: "on-blocker",
        detail: decision.detail ?? "the agent is blocked",
        timeoutMs: cfg.supervision.approvalTimeout,
      });
      if (answer.decision === "approve") {
        // An agent hears the answer; a script given the task's own text runs it again.
        prompt = rawPrompt
          ? task.prompt
          : `A person answered the blocker you reported${answer.message ? `: ${answer.message}` : "; go ahead"}. Continue the task and update .nightshift/result.json.`;
        resume = sessionId;
        continue;
      }
      const rejection = checkpointEnd(answer);
      if (rejection) return finish(s, rejection);
      if (stops.reason === "shutdown")
        return setAside(s, {
          waitReason: "interrupted",
          until: new Date(),
          free: true,
          detail: "the executor shut down at a checkpoint",
        });
    }
    if (supervised && decision.reason === "regression" && checkpoints.includes("on-regression")) {
      const answer = await awaitCheckpoint({
        control: ctx.bus.kv.control,
        record: s.record,
        events: s.events,
        stops,
        name: "on-regression",
        detail: decision.detail ?? "the check failed",
        timeoutMs: cfg.supervision.approvalTimeout,
      });
      if (answer.decision === "approve") {
        approvedNote = `check failed; pushed as approved by ${answer.by}${answer.message ? `: ${answer.message}` : ""}`;
        decision = {
          state: "succeeded",
          outcome: "succeeded",
          ...(decision.summary !== undefined ? { summary: decision.summary } : {}),
        };
      } else {
        const rejection = checkpointEnd(answer);
        if (rejection) return finish(s, rejection);
      }
    }
    break;
  }

  if (
    supervised &&
    decision.state === "succeeded" &&
    checkpoints.includes("before-push") &&
    facts &&
    !facts.noop
  ) {
    const answer = await awaitCheckpoint({
      control: ctx.bus.kv.control,
      record: s.record,
      events: s.events,
      stops,
      name: "before-push",
      detail: `${facts.attemptCommits.length} commit(s), ${facts.changedFiles.length} file(s) changed, ready to push ${ws.branch ?? ""}`,
      timeoutMs: cfg.supervision.approvalTimeout,
    });
    if (answer.decision !== "approve") {
      const rejection = checkpointEnd(answer);
      if (rejection) return finish(s, rejection);
      if (stops.reason === "shutdown")
        return setAside(s, {
          waitReason: "interrupted",
          until: new Date(),
          free: true,
          detail: "the executor shut down before the push was approved",
        });
    }
  }

  const result: TaskResult = {
    outcome: decision.outcome,
    pushed: false,
    exitCode: phase.result.exitCode,
    signal: phase.result.signal,
    ...(ws.branch !== undefined ? { branch: ws.branch } : {}),
    ...(decision.summary !== undefined
      ? { summary: decision.summary.slice(0, 4000) }
      : phase.result.finalText !== undefined
        ? { summary: phase.result.finalText.slice(0, 4000) }
        : {}),
  };
  // Partial work is kept on the branch when a limit stopped the agent; not when the
  // workspace overflowed its quota (what filled it is suspect) or a person said no.
  if (facts && decision.reason !== "disk-quota") {
    const pushed = await pushWork(
      ctx.workspaces,
      ws,
      facts,
      ctx.secrets,
      leaseCheck(() => stops.stillHolds(cfg.nats.leaseTtl)),
    );
    if (pushed.kind === "lease-lost") {
      s.log.warn({ fence: stops.fence }, "lease lost before the push: not pushing");
      return abandon("lease lost before the push");
    }
    if (pushed.kind === "failed") return retryLater(s, "push-failed", pushed.detail);
    if (pushed.kind === "refused") {
      return finish(s, {
        state: "failed",
        reason: pushed.reason,
        detail: pushed.detail,
        result: { ...result, outcome: pushed.reason },
      });
    }
    result.pushed = pushed.pushed;
    if (pushed.commit !== undefined) result.commit = pushed.commit;
    if (pushed.pushed)
      s.events.emit({
        type: "log",
        level: "info",
        message: `pushed ${ws.branch} at ${pushed.commit}`,
      });
  }
  return finish(s, {
    state: decision.state,
    reason: decision.reason,
    detail: approvedNote ?? decision.detail,
    result,
  });
}

/** A checkpoint that did not end in approval: rejected, timed out, or stopped from outside. */
function checkpointEnd(answer: Awaited<ReturnType<typeof awaitCheckpoint>>) {
  switch (answer.decision) {
    case "reject":
      return {
        state: "cancelled" as const,
        reason: "rejected",
        detail: `rejected by ${answer.by}${answer.message ? `: ${answer.message}` : ""}`,
        result: { outcome: "rejected", pushed: false },
      };
    case "timeout":
      return {
        state: "cancelled" as const,
        reason: "approval-timeout",
        detail: "nobody approved or rejected the checkpoint in time",
        result: { outcome: "approval-timeout", pushed: false },
      };
    case "stopped":
    case "approve":
      return undefined;
  }
}

/**
 * Before a task is set aside (rate limit, shutdown), its work so far goes to its branch so
 * the next attempt, on any machine, continues from it. Returns an outcome only if that
 * failed in a way that decides the task.
 */
export async function keepPartialWork(m: ModeInput): Promise<Outcome | undefined> {
  const { scope: s, ws } = m;
  if (!ws.repo) return undefined;
  const settled = await settleWork(
    s.ctx.workspaces,
    ws,
    commitMessage(s.task.prompt, s.task.id, s.record.attempt),
  );
  if (settled.kind === "failed") return retryLater(s, "workspace", settled.detail);
  const pushed = await pushWork(
    s.ctx.workspaces,
    ws,
    settled.facts,
    s.ctx.secrets,
    leaseCheck(() => m.stops.stillHolds(s.ctx.config.nats.leaseTtl)),
  );
  if (pushed.kind === "lease-lost") {
    s.log.warn({ fence: m.stops.fence }, "lease lost before the push: not pushing");
    return abandon("lease lost before the push");
  }
  if (pushed.kind === "refused") {
    return finish(s, {
      state: "failed",
      reason: pushed.reason,
      detail: pushed.detail,
      result: { outcome: pushed.reason, pushed: false },
    });
  }
  if (pushed.kind === "failed")
    s.log.warn({ detail: pushed.detail }, "partial work not pushed; it stays in the workspace");
  return undefined;
}
