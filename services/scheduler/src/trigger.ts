import type { NightshiftConfig, Secrets } from "@nightshift/config";
import { NightshiftError, UsageError } from "@nightshift/errors";
import type { Bus } from "@nightshift/messaging";
import { fireSlot, type FireResult } from "./fire-slot.ts";
import { scheduleClock } from "./schedule-clock.ts";
import { ScheduleStateStore } from "./schedule-state.ts";
import { fireDeps, type SchedulerOptions } from "./service.ts";

export interface TriggerDeps extends SchedulerOptions {
  bus: Bus;
  config: NightshiftConfig;
  secrets: Secrets;
  /** Recorded in the schedule's state as who fired. */
  by: string;
}

/**
 * Fires one slot of a schedule now: what a Kubernetes CronJob runs. The slot is the latest
 * fire time at or before `now` unless given; a given slot must be one of the schedule's fire
 * times. Firing the same slot again finds its task and publishes nothing.
 */
export async function triggerSchedule(
  deps: TriggerDeps,
  name: string,
  opts: { slot?: Date; now?: Date } = {},
): Promise<FireResult> {
  const schedule = deps.config.schedules[name];
  if (schedule === undefined) {
    const known = Object.keys(deps.config.schedules);
    throw new UsageError(
      `no schedule "${name}" in the config (configured: ${known.join(", ") || "none"})`,
    );
  }
  const clock = scheduleClock(schedule.cron, schedule.timezone);
  const now = opts.now ?? new Date();
  let slot: Date | undefined;
  if (opts.slot !== undefined) {
    if (!clock.isSlot(opts.slot)) {
      const before = clock.latestAtOrBefore(opts.slot)?.toISOString() ?? "none";
      const after = clock.next(opts.slot)?.toISOString() ?? "none";
      throw new UsageError(
        `${opts.slot.toISOString()} is not a fire time of ${name} ("${schedule.cron}" in ${schedule.timezone}); nearest: ${before} and ${after}`,
      );
    }
    if (opts.slot > now)
      throw new UsageError(
        `${opts.slot.toISOString()} is in the future; a slot fires once it is due`,
      );
    slot = opts.slot;
  } else {
    slot = clock.latestAtOrBefore(now);
    if (slot === undefined)
      throw new NightshiftError("NOT_FOUND", `schedule ${name} has no fire time before now`);
  }
  const fire = fireDeps(deps.bus, deps, deps.secrets.GITHUB_TOKEN);
  const result = await fireSlot(fire, name, schedule, slot);
  const store = new ScheduleStateStore(deps.bus.kv.cursors, deps.by);
  // A schedule no scheduler has handled yet starts its cursor now, as a new leader would:
  // an old --slot must not make the scheduler treat everything since as missed.
  const known = (await store.get(name)) !== undefined;
  await store.record(name, {
    cron: schedule.cron,
    timezone: schedule.timezone,
    results: [result],
    missed: 0,
    cursor: known ? slot : now,
    next: clock.upcoming(3, now),
  });
  return result;
}
