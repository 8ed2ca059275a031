import type { ScheduleConfig } from "@nightshift/config";
import type { ScheduleSkipReason } from "@nightshift/contracts";
import { publishTask, type Bus } from "@nightshift/messaging";
import { evaluateGate } from "./gates/index.ts";
import { pausedBy } from "./pause-flags.ts";
import { scheduleTask, slotKey } from "./schedule-task.ts";

export type FireResult =
  | { outcome: "published" | "duplicate"; slot: Date; taskId: string }
  | { outcome: "skipped"; slot: Date; reason: ScheduleSkipReason; detail: string };

export interface FireDeps {
  bus: Bus;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  githubApiUrl: string;
  githubToken: string | undefined;
}

/**
 * One fire of a schedule: checks enabled and pause flags, skips the gate when the slot's
 * task already exists (publishing it again only while it is still queued), evaluates the gate, and publishes with `Nats-Msg-Id`
 * `sched:<name>:<slot>` and a task id derived from it, so a fire repeated by another leader,
 * a restart or `nightshift trigger` is absorbed.
 */
export async function fireSlot(
  deps: FireDeps,
  name: string,
  schedule: ScheduleConfig,
  slot: Date,
): Promise<FireResult> {
  if (!schedule.enabled) {
    return { outcome: "skipped", slot, reason: "disabled", detail: "enabled: false" };
  }
  const paused = await pausedBy(deps.bus.kv.control, name);
  if (paused) {
    const what = paused.scope === "all" ? "scheduling is paused" : `schedule ${name} is paused`;
    return {
      outcome: "skipped",
      slot,
      reason: "paused",
      detail: `${what} (by ${paused.flag.by} at ${paused.flag.at})`,
    };
  }
  const task = scheduleTask(name, schedule, slot);
  const existing = await deps.bus.tasks.get(task.id);
  // A record still `queued` may be all an earlier fire left: it failed between the record
  // and the message. Publishing again completes it (the slot's Nats-Msg-Id absorbs it when
  // the message is there). A record past `queued` had its message.
  if (existing && existing.record.state !== "queued")
    return { outcome: "duplicate", slot, taskId: task.id };
  if (!existing && schedule.gate) {
    const verdict = await evaluateGate(schedule.gate, {
      env: deps.env,
      cwd: deps.cwd,
      githubApiUrl: deps.githubApiUrl,
      githubToken: deps.githubToken,
      schedule: name,
      slot,
    });
    if (!verdict.pass) {
      return {
        outcome: "skipped",
        slot,
        reason: verdict.error ? "gate-error" : "gate",
        detail: verdict.detail,
      };
    }
  }
  const published = await publishTask(deps.bus, task, { msgId: slotKey(name, slot) });
  return { outcome: published.stored ? "published" : "duplicate", slot, taskId: task.id };
}
