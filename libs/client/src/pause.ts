import { Keys, PauseFlag } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import { InvalidRequestError } from "./errors.ts";
import { issuesOf } from "./wire/errors.ts";
import { ScheduleName, type PauseState } from "./wire/control.ts";

/** Everything, or one schedule by name. */
export type PauseScope = { schedule?: string | undefined };

const SCHEDULE_PREFIX = Keys.pauseSchedule("");

function keyOf(scope: PauseScope): string {
  if (scope.schedule === undefined) return Keys.pauseAll;
  const name = ScheduleName.safeParse(scope.schedule);
  if (!name.success) throw new InvalidRequestError("schedule", issuesOf(name.error, ["schedule"]));
  return Keys.pauseSchedule(name.data);
}

/** The pause flags now in the control bucket. */
export async function pauseState(bus: Bus): Promise<PauseState> {
  const state: PauseState = { all: null, schedules: {} };
  for await (const key of await bus.kv.control.keys("pause.>")) {
    const e = await bus.kv.control.get(key);
    if (!e || e.operation !== "PUT") continue;
    let flag: PauseFlag;
    try {
      flag = PauseFlag.parse(e.json());
    } catch {
      flag = { at: e.created.toISOString(), by: "unknown" };
    }
    if (key === Keys.pauseAll) state.all = flag;
    else if (key.startsWith(SCHEDULE_PREFIX))
      state.schedules[key.slice(SCHEDULE_PREFIX.length)] = flag;
  }
  return state;
}

/**
 * Sets `pause.all` or `pause.schedule.<name>` in the control bucket, for the services that
 * start work to read; the flag survives restarts until `resume` clears it.
 */
export async function pause(bus: Bus, scope: PauseScope, by: string): Promise<PauseState> {
  const flag: PauseFlag = { at: new Date().toISOString(), by };
  await bus.kv.control.put(keyOf(scope), JSON.stringify(flag));
  return pauseState(bus);
}

/** Clears a pause flag; resuming something that is not paused changes nothing. */
export async function resume(bus: Bus, scope: PauseScope): Promise<PauseState> {
  await bus.kv.control.delete(keyOf(scope));
  return pauseState(bus);
}
