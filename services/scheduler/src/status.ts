import type { SchedulesConfig } from "@nightshift/config";
import { Keys } from "@nightshift/contracts";
import { leaseHolder, type Bus } from "@nightshift/messaging";
import type { Term } from "./leadership.ts";
import { pausedBy } from "./pause-flags.ts";
import { scheduleClock } from "./schedule-clock.ts";
import type { ScheduleStateStore } from "./schedule-state.ts";

export interface StatusDeps {
  bus: Bus;
  schedules: SchedulesConfig;
  store: ScheduleStateStore;
  instance: string;
  term: () => Term | undefined;
}

/** The scheduler's `/status`: leadership, and per schedule its next fire times and counters. */
export async function schedulerStatus(deps: StatusDeps, now = new Date()): Promise<unknown> {
  const term = deps.term();
  const holder = await leaseHolder(deps.bus.kv.leases, Keys.schedulerLeader);
  const schedules = await Promise.all(
    Object.entries(deps.schedules).map(async ([name, s]) => {
      const [stored, paused] = await Promise.all([
        deps.store.get(name),
        pausedBy(deps.bus.kv.control, name),
      ]);
      const state = stored?.state;
      return {
        name,
        cron: s.cron,
        timezone: s.timezone,
        enabled: s.enabled,
        missed: s.missed,
        graceMs: s.grace,
        jitterMs: s.jitter,
        gate: s.gate?.type,
        paused: paused ? { scope: paused.scope, by: paused.flag.by, at: paused.flag.at } : false,
        next: scheduleClock(s.cron, s.timezone)
          .upcoming(3, now)
          .map((d) => d.toISOString()),
        cursor: state?.cursor,
        fires: state?.fires ?? 0,
        skips: state?.skips ?? {},
        last: state?.last,
      };
    }),
  );
  return {
    instance: deps.instance,
    leader: term !== undefined,
    ...(term ? { leaderSince: term.since.toISOString(), fence: term.fence } : {}),
    leaseHolder: holder?.owner,
    schedules,
  };
}
