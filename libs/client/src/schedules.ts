import { Keys, PauseFlag, ScheduleState } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";

export interface ScheduleStatus extends ScheduleState {
  /** Who paused this schedule, when it is paused on its own. */
  paused?: PauseFlag | undefined;
}

export interface SchedulesStatus {
  /** Set while all scheduling is paused. */
  pausedAll?: PauseFlag | undefined;
  schedules: ScheduleStatus[];
}

async function flag(bus: Bus, key: string): Promise<PauseFlag | undefined> {
  const e = await bus.kv.control.get(key);
  if (!e || e.operation !== "PUT") return undefined;
  const p = PauseFlag.safeParse(e.json());
  return p.success ? p.data : undefined;
}

/** Every schedule some scheduler (or `nightshift trigger`) has handled, with pause flags. */
export async function schedulesStatus(bus: Bus): Promise<SchedulesStatus> {
  const schedules: ScheduleStatus[] = [];
  for await (const key of await bus.kv.cursors.keys(Keys.scheduleStatesAll)) {
    const e = await bus.kv.cursors.get(key);
    if (!e || e.operation !== "PUT") continue;
    const s = ScheduleState.safeParse(e.json());
    if (!s.success) continue;
    const paused = await flag(bus, Keys.pauseSchedule(s.data.name));
    schedules.push(paused ? { ...s.data, paused } : s.data);
  }
  const pausedAll = await flag(bus, Keys.pauseAll);
  return {
    ...(pausedAll ? { pausedAll } : {}),
    schedules: schedules.sort((a, b) => a.name.localeCompare(b.name)),
  };
}
