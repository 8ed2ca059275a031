import { deterministicTaskId, repoKey, type TaskInputShape } from "@nightshift/contracts";
import type { ScheduleConfig } from "@nightshift/config";

/** The identity of one fire: also its `Nats-Msg-Id`. */
export function slotKey(name: string, slot: Date): string {
  return `sched:${name}:${slot.toISOString()}`;
}

/** The same schedule and slot always give the same task id, whoever fires it. */
export function scheduleTaskId(name: string, slot: Date): string {
  return deterministicTaskId(`sched-${name}`, slotKey(name, slot));
}

/** The task one fire of a schedule publishes, from the schedule's template. */
export function scheduleTask(
  name: string,
  schedule: ScheduleConfig,
  slot: Date,
  now: Date = new Date(),
): TaskInputShape {
  const t = schedule.task;
  const prompt = t.prompt ?? t.card?.goal;
  if (prompt === undefined) throw new Error(`schedule ${name} has neither prompt nor card`);
  const timeout = t.limits.timeout;
  return {
    v: 1,
    id: scheduleTaskId(name, slot),
    createdAt: now.toISOString(),
    source: {
      kind: "schedule",
      ref: slotKey(name, slot),
      attributes: { schedule: name, slot: slot.toISOString() },
    },
    kind: "schedule",
    prompt,
    ...(t.repo !== undefined
      ? {
          repo: {
            url: t.repo,
            key: repoKey(t.repo),
            ...(t.base !== undefined ? { base: t.base } : {}),
          },
        }
      : {}),
    ...(t.backend !== undefined ? { backend: t.backend } : {}),
    ...(t.model !== undefined ? { model: t.model } : {}),
    ...(t.mode !== undefined ? { mode: t.mode } : {}),
    ...(t.card !== undefined ? { card: t.card } : {}),
    ...(t.loop !== undefined ? { loop: t.loop } : {}),
    limits: {
      ...(timeout !== undefined ? { timeoutSec: Math.max(1, Math.ceil(timeout / 1000)) } : {}),
      ...(t.limits.maxTurns !== undefined ? { maxTurns: t.limits.maxTurns } : {}),
      ...(t.limits.maxCostUsd !== undefined ? { maxCostUsd: t.limits.maxCostUsd } : {}),
    },
    labels: { ...t.labels, schedule: name },
  };
}
