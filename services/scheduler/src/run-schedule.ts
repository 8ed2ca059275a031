import type { ScheduleConfig } from "@nightshift/config";
import type { Logger } from "@nightshift/runtime";
import { fireSlot, type FireDeps, type FireResult } from "./fire-slot.ts";
import { scheduleTaskId } from "./schedule-task.ts";
import type { ScheduleClock } from "./schedule-clock.ts";
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
  let resumed = false;
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
      if (!resumed) {
        cursor = await completeHalfFired(deps, name, schedule, clock, cursor, log);
        resumed = true;
      }
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
        if (plan.missed > 0) {
          deps.metrics.skips.inc({ schedule: name, reason: "missed" }, plan.missed);
          log.warn(
            { missed: plan.missed, policy: schedule.missed },
            "fires missed while no scheduler led",
          );
        }
        // The cursor follows each fire, so a fire cut short by a failure is always the
        // slot right after the cursor (see completeHalfFired).
        let missed = plan.missed;
        for (const slot of plan.fire) {
          const r = await fireSlot(deps.fire, name, schedule, slot);
          deps.metrics.observe(name, r);
          logResult(log, r);
          const state = await deps.store.record(name, {
            ...meta,
            results: [r],
            missed,
            cursor: slot,
            next: clock.upcoming(3, new Date()),
          });
          missed = 0;
          cursor = new Date(state.cursor);
        }
        if (missed > 0 || plan.fire.length === 0) {
          const state = await deps.store.record(name, {
            ...meta,
            results: [],
            missed,
            cursor: plan.cursor,
            next: clock.upcoming(3, new Date()),
          });
          cursor = new Date(state.cursor);
        }
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

/**
 * A fire stores its task's record, then its message. When NATS failed in between and the
 * leader lost its lease before trying again, the slot after the cursor has a record still
 * `queued` and maybe no message. That fire was decided: it is completed (published again,
 * absorbed by the dedupe window if the message is there) before the missed-run policy
 * looks at the slots since, and the cursor moves past it.
 */
async function completeHalfFired(
  deps: ScheduleRunDeps,
  name: string,
  schedule: ScheduleConfig,
  clock: ScheduleClock,
  cursor: Date,
  log: Logger,
): Promise<Date> {
  const slot = clock.next(cursor);
  if (slot === undefined || slot > new Date()) return cursor;
  const existing = await deps.fire.bus.tasks.get(scheduleTaskId(name, slot));
  if (existing?.record.state !== "queued") return cursor;
  const r = await fireSlot(deps.fire, name, schedule, slot);
  deps.metrics.observe(name, r);
  logResult(log, r);
  const state = await deps.store.record(name, {
    cron: schedule.cron,
    timezone: schedule.timezone,
    results: [r],
    missed: 0,
    cursor: slot,
    next: clock.upcoming(3, new Date()),
  });
  return new Date(state.cursor);
}
