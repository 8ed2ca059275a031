import type { ScheduleConfig } from "@nightshift/config";
import type { Logger } from "@nightshift/runtime";
import { fireSlot, type FireDeps, type FireResult } from "./fire-slot.ts";
import { sleep, type Term } from "./leadership.ts";
import type { SchedulerMetrics } from "./metrics.ts";
import { planSlots } from "./plan-slots.ts";
import { scheduleClock } from "./schedule-clock.ts";
import type { ScheduleStateStore } from "./schedule-state.ts";

/** Longest single wait, so a wall-clock jump is noticed within it. */
const MAX_WAIT_MS = 30_000;
/** How long to back off after NATS failed while handling a schedule. */
const ERROR_BACKOFF_MS = 1_000;

export interface ScheduleRunDeps {
  fire: FireDeps;
  store: ScheduleStateStore;
  metrics: SchedulerMetrics;
  log: Logger;
}

function logResult(log: Logger, r: FireResult): void {
  const slot = r.slot.toISOString();
  if (r.outcome === "skipped")
    log.info({ slot, reason: r.reason, detail: r.detail }, "fire skipped");
  else log.info({ slot, taskId: r.taskId, outcome: r.outcome }, "fire published");
}

/**
 * Fires one schedule for as long as `term` lasts: waits for the next slot (plus jitter),
 * plans what is due since the schedule's cursor, fires, and records the outcome and the new
 * cursor in the schedule's state.
 */
export async function runSchedule(
  deps: ScheduleRunDeps,
  name: string,
  schedule: ScheduleConfig,
  term: Term,
): Promise<void> {
  const clock = scheduleClock(schedule.cron, schedule.timezone);
  const log = deps.log.child({ schedule: name });
  const meta = { cron: schedule.cron, timezone: schedule.timezone };
  let cursor: Date | undefined;
  while (!term.signal.aborted) {
    try {
      cursor ??= new Date(
        (
          await deps.store.ensure(name, {
            ...meta,
            cursor: term.since,
            next: clock.upcoming(3, new Date()),
          })
        ).cursor,
      );
      const now = new Date();
      const plan = planSlots({
        clock,
        name,
        jitterMaxMs: schedule.jitter,
        cursor,
        now,
        leaderSince: term.since,
        graceMs: schedule.grace,
        missed: schedule.missed,
      });
      if (plan.fire.length > 0 || plan.missed > 0) {
        const results: FireResult[] = [];
        for (const slot of plan.fire) {
          const r = await fireSlot(deps.fire, name, schedule, slot);
          results.push(r);
          deps.metrics.observe(name, r);
          logResult(log, r);
        }
        if (plan.missed > 0) {
          deps.metrics.skips.inc({ schedule: name, reason: "missed" }, plan.missed);
          log.warn(
            { missed: plan.missed, policy: schedule.missed },
            "fires missed while no scheduler led",
          );
        }
        const state = await deps.store.record(name, {
          ...meta,
          results,
          missed: plan.missed,
          cursor: plan.cursor,
          next: clock.upcoming(3, new Date()),
        });
        cursor = new Date(state.cursor);
        continue;
      }
      if (plan.wakeAt) deps.metrics.nextFire.set({ schedule: name }, plan.wakeAt.getTime() / 1000);
      const wait = plan.wakeAt ? plan.wakeAt.getTime() - Date.now() : MAX_WAIT_MS;
      await sleep(Math.min(MAX_WAIT_MS, Math.max(5, wait)), term.signal);
    } catch (err) {
      log.error({ err }, "handling the schedule failed; retrying");
      await sleep(ERROR_BACKOFF_MS, term.signal);
    }
  }
}
