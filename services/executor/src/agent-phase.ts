import { chown, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AgentBackend, AgentRunResult } from "@nightshift/agents";
import type { BackendConfig } from "@nightshift/config";
import type { Task, TaskEventBody } from "@nightshift/contracts";
import { coerceError } from "@nightshift/errors";
import type { EventPublisher } from "@nightshift/messaging";
import type { Logger } from "@nightshift/runtime";
import type { Workspace } from "@nightshift/workspace";
import { attemptEnv } from "./agent-env.ts";
import { openAgentPlace, taskHome } from "./agent-sandbox.ts";
import { awaitCheckpoint, type CheckpointAnswer } from "./checkpoint.ts";
import type { ExecutorContext } from "./context.ts";
import type { ResultFileState } from "./decide-outcome.ts";
import type { AttemptRecord } from "./fenced-record.ts";
import { readResultFile } from "./result-file.ts";
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
}

export interface AgentPhase {
  result: AgentRunResult;
  resultFile: ResultFileState;
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
  const home = taskHome(cfg, task.id);
  if (
    p.resume !== undefined &&
    (await restoreHome(ctx.bus.artifacts, task.id, home).catch(() => false))
  ) {
    events.emit({
      type: "log",
      level: "info",
      message: "agent session restored from the object store",
    });
  }
  const place = await openAgentPlace(ctx.sandbox, cfg, ctx.agentEnv, task.id, ws.dir);

  const saveHome = (): Promise<void> =>
    archiveHome(ctx.bus.artifacts, task.id, home).then(
      () => undefined,
      (err: unknown) => log.warn({ err: coerceError(err) }, "agent home not archived"),
    );
  let archiving: NodeJS.Timeout | undefined;
  const onSession = (id: string): void => {
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
    const cost = e.usage.costUsd ?? 0;
    if (limit !== undefined && cost >= limit) stops.halt("budget");
    if (!inProcess) pauseCli(e.usage.turns ?? 0);
  };

  const onWrapUp = (): void => {
    const note = String(stops.wrapUp.reason);
    events.emit({ type: "log", level: "warn", message: note });
    void writeWrapUp(ws.dir, note, place.box.uid, place.box.gid).catch(() => undefined);
  };
  stops.wrapUp.addEventListener("abort", onWrapUp, { once: true });

  let result: AgentRunResult;
  try {
    result = await p.backend.run({
      taskId: task.id,
      attempt: record.attempt,
      prompt: p.prompt,
      systemPrompt: p.system,
      workspace: ws.dir,
      model: task.model,
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
  } finally {
    stops.wrapUp.removeEventListener("abort", onWrapUp);
    if (archiving) clearInterval(archiving);
    // The workspace goes back to the executor's user before git touches it.
    await place.box.close();
  }
  if (result.sessionId !== undefined) await saveHome();
  events.emit({
    type: "agent",
    phase: "exited",
    backend: p.backendName,
    exitCode: result.exitCode,
    signal: result.signal,
  });
  const resultFile = await readResultFile(ws.dir);
  return { result, resultFile, ...(rejected ? { rejected } : {}) };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone
  }
}

/**
 * Leaves the wrap-up note where any agent can see it (`.nightshift/WRAP_UP`), owned by the
 * agent's user so the folder stays writable for its results file.
 */
async function writeWrapUp(dir: string, note: string, uid?: number, gid?: number): Promise<void> {
  const folder = join(dir, ".nightshift");
  await mkdir(folder, { recursive: true });
  const file = join(folder, "WRAP_UP");
  await writeFile(file, `${note}\n`);
  if (uid !== undefined) {
    await chown(folder, uid, gid ?? uid);
    await chown(file, uid, gid ?? uid);
  }
}
