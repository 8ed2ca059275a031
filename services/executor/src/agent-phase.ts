import { chown, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AgentBackend, AgentRunResult } from "@nightshift/agents";
import type { BackendConfig } from "@nightshift/config";
import { REVIEW_FOLDER, type Task, type TaskEventBody } from "@nightshift/contracts";
import { coerceError } from "@nightshift/errors";
import type { EventPublisher } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import { SandboxError } from "@nightshift/sandbox";
import type { Workspace } from "@nightshift/workspace";
import { attemptEnv } from "./agent-env.ts";
import { openAgentPlace, reviewerHome, taskHome } from "./agent-sandbox.ts";
import { awaitCheckpoint, type CheckpointAnswer } from "./checkpoint.ts";
import type { ExecutorContext } from "./context.ts";
import type { ResultFileState } from "./decide-outcome.ts";
import type { AttemptRecord } from "./fenced-record.ts";
import { readAgentFile, readResultFile, type AgentFile } from "./result-file.ts";
import { archiveHome, restoreHome } from "./session-archive.ts";
import type { AttemptStops } from "./stops.ts";

export interface AgentPhaseInput {
  ctx: ExecutorContext;
  task: Task;
  record: AttemptRecord;
  events: EventPublisher;
  stops: AttemptStops;
  ws: Workspace;
  backend: AgentBackend;
  backendName: string;
  backendConfig: BackendConfig;
  prompt: string;
  system: string;
  /** Continue this session (same backend), if any. */
  resume?: string | undefined;
  /** Wall-clock time (ms) the task's message was published, for dispatch latency. */
  publishedAt: number;
  log: Logger;
  /** The model; the task's when absent. */
  model?: string | undefined;
  /** Cost of earlier runs of this attempt (a loop's rounds), counted against the limit. */
  spentUsd?: number;
  /** Run as a review loop's reviewer (see `ReviewPlace`). */
  review?: ReviewPlace | undefined;
}

/**
 * A reviewer's run: the workspace read-only but for `REVIEW_FOLDER` (bwrap binds it
 * read-only; the none driver hands over a copy), a fresh home of its own, no session kept.
 * `files` (names in the folder → content) are written there first; `report` is read back
 * before the sandbox closes.
 */
export interface ReviewPlace {
  files: Record<string, string>;
  report: string;
}

export interface AgentPhase {
  result: AgentRunResult;
  resultFile: ResultFileState;
  /** What a reviewer left in its report file. */
  report?: AgentFile;
  /** A person rejected the task at an every-turns checkpoint. */
  rejected?: { by: string; message?: string | undefined };
}

/**
 * One run of an agent in the task's sandbox: restores its session from the object store
 * when this machine has none, persists the session as soon as the backend names it and
 * its home every `sessionArchive`, enforces the cost limit from usage events, pauses at
 * every-turns checkpoints in supervised mode, then reads the results file.
 */
export async function runAgentPhase(p: AgentPhaseInput): Promise<AgentPhase> {
  const { ctx, task, record, events, stops, ws, log } = p;
  const cfg = ctx.config;
  const review = p.review;
  const home = review ? reviewerHome(cfg, task.id) : taskHome(cfg, task.id);
  // An earlier attempt's clean-up of this task's homes finishes first.
  await ctx.chores.idle(task.id);
  if (review) await rm(home, { recursive: true, force: true });
  if (
    !review &&
    p.resume !== undefined &&
    (await restoreHome(ctx.bus.artifacts, task.id, home).catch(() => false))
  ) {
    events.emit({
      type: "log",
      level: "info",
      message: "agent session restored from the object store",
    });
  }
  const place = await openAgentPlace(
    ctx.sandbox,
    cfg,
    ctx.agentEnv,
    task.id,
    ws.dir,
    review
      ? { readOnly: { output: REVIEW_FOLDER }, home, spares: ctx.homeSpares }
      : { spares: ctx.homeSpares },
  );
  const workspace = place.box.workspace;
  const output = place.box.output;
  if (review) {
    try {
      if (output === undefined) throw new SandboxError("the sandbox has no review folder");
      for (const [name, text] of Object.entries(review.files)) {
        await writeFile(join(output, name), text);
        if (place.box.uid !== undefined)
          await chown(join(output, name), place.box.uid, place.box.gid ?? place.box.uid);
      }
    } catch (err) {
      await place.box.close();
      throw err;
    }
  }

  const saveHome = (): Promise<void> =>
    archiveHome(ctx.bus.artifacts, task.id, home).then(
      () => undefined,
      (err: unknown) => log.warn({ err: coerceError(err) }, "agent home not archived"),
    );
  let archiving: NodeJS.Timeout | undefined;
  const onSession = (id: string): void => {
    // A reviewer starts fresh every round: its session is neither recorded nor kept.
    if (review) return;
    void record
      .update((r) => {
        r.session = { backend: p.backendName, id, ...(ws.branch ? { branch: ws.branch } : {}) };
      })
      .catch((err: unknown) => log.warn({ err: coerceError(err) }, "session not recorded"));
    archiving ??= setInterval(() => void saveHome(), cfg.executor.sessionArchive);
  };

  // Supervised every-turns checkpoints. Our own loop pauses between turns; an agent CLI's
  // process group is stopped (SIGSTOP) while the person decides.
  const sup = cfg.supervision;
  const everyTurns =
    task.mode === "supervised" && sup.checkpoints.includes("every-turns")
      ? sup.everyTurns
      : undefined;
  let nextPause = everyTurns;
  let rejected: AgentPhase["rejected"];
  let pid: number | undefined;
  const inProcess = p.backendConfig.type === "anthropic";
  const checkpoint = async (turns: number): Promise<void> => {
    if (nextPause === undefined || turns < nextPause || everyTurns === undefined) return;
    nextPause = turns + everyTurns;
    const answer: CheckpointAnswer = await awaitCheckpoint({
      control: ctx.bus.kv.control,
      record,
      events,
      stops,
      name: "every-turns",
      detail: `${turns} turns done`,
      timeoutMs: sup.approvalTimeout,
    });
    if (answer.decision === "reject") {
      rejected = { by: answer.by, message: answer.message };
      stops.halt("cancelled");
    } else if (answer.decision === "timeout") {
      rejected = { by: "nightshift", message: "no answer at the every-turns checkpoint in time" };
      stops.halt("cancelled");
    }
  };
  let pausing = false;
  const pauseCli = (turns: number): void => {
    if (pausing || pid === undefined || nextPause === undefined || turns < nextPause) return;
    pausing = true;
    const group = pid;
    signalGroup(group, "SIGSTOP");
    void checkpoint(turns)
      .catch((err: unknown) => log.warn({ err: coerceError(err) }, "checkpoint failed"))
      .finally(() => {
        signalGroup(group, "SIGCONT");
        pausing = false;
      });
  };

  const limit = task.limits.maxCostUsd;
  const emit = (e: TaskEventBody): void => {
    events.emit(e);
    if (e.type !== "usage") return;
    const cost = (p.spentUsd ?? 0) + (e.usage.costUsd ?? 0);
    if (limit !== undefined && cost >= limit) stops.halt("budget");
    if (!inProcess) pauseCli(e.usage.turns ?? 0);
  };

  const onWrapUp = (): void => {
    const note = String(stops.wrapUp.reason);
    events.emit({ type: "log", level: "warn", message: note });
    const folder = review && output !== undefined ? output : join(ws.dir, ".nightshift");
    void writeWrapUp(folder, note, place.box.uid, place.box.gid).catch(() => undefined);
  };
  stops.wrapUp.addEventListener("abort", onWrapUp, { once: true });

  let result: AgentRunResult;
  let report: AgentFile | undefined;
  try {
    result = await p.backend.run({
      taskId: task.id,
      attempt: record.attempt,
      prompt: p.prompt,
      systemPrompt: p.system,
      workspace,
      model: p.model ?? task.model,
      ...(review ? { writable: [REVIEW_FOLDER] } : {}),
      env: { ...place.env, ...attemptEnv(task.id, record.attempt, stops.fence) },
      sandbox: place.box,
      maxTurns: task.limits.maxTurns,
      ...(p.resume !== undefined ? { resume: { sessionId: p.resume } } : {}),
      ...(place.box.uid !== undefined
        ? { owner: { uid: place.box.uid, gid: place.box.gid ?? place.box.uid } }
        : {}),
      emit,
      signal: stops.signal,
      wrapUp: stops.wrapUp,
      killGraceMs: cfg.executor.killGrace,
      onSession,
      ...(inProcess ? { betweenTurns: checkpoint } : {}),
      onSpawn: (spawned, at) => {
        pid = spawned;
        const dispatchMs = Math.max(0, at - p.publishedAt);
        ctx.metrics.dispatch.observe(dispatchMs / 1000);
        const r = ctx.running.get(task.id);
        if (r) r.pid = spawned;
        events.emit({
          type: "agent",
          phase: "spawned",
          backend: p.backendName,
          pid: spawned,
          dispatchMs,
        });
      },
    });
    // Read before the sandbox closes: a copy of the workspace goes with it.
    if (review && output !== undefined)
      report = await readAgentFile(workspace, join(REVIEW_FOLDER, review.report), output);
  } finally {
    stops.wrapUp.removeEventListener("abort", onWrapUp);
    if (archiving) clearInterval(archiving);
    // The workspace goes back to the executor's user before git touches it.
    await place.box.close();
  }
  if (result.sessionId !== undefined && !review) await saveHome();
  events.emit({
    type: "agent",
    phase: "exited",
    backend: p.backendName,
    exitCode: result.exitCode,
    signal: result.signal,
  });
  const resultFile: ResultFileState = review ? { kind: "missing" } : await readResultFile(ws.dir);
  return {
    result,
    resultFile,
    ...(report ? { report } : {}),
    ...(rejected ? { rejected } : {}),
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone
  }
}

/**
 * Leaves the wrap-up note where any agent can see it (`.nightshift/WRAP_UP`, a reviewer's
 * in its folder), owned by the agent's user so the folder stays writable for its results.
 */
async function writeWrapUp(
  folder: string,
  note: string,
  uid?: number,
  gid?: number,
): Promise<void> {
  await mkdir(folder, { recursive: true });
  const file = join(folder, "WRAP_UP");
  await writeFile(file, `${note}\n`);
  if (uid !== undefined) {
    await chown(folder, uid, gid ?? uid);
    await chown(file, uid, gid ?? uid);
  }
}
