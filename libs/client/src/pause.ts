import { Keys, PauseFlag } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import { InvalidRequestError } from "./errors.ts";
import { issuesOf } from "./wire/errors.ts";
import { ScheduleName, type PauseState } from "./wire/control.ts";

/** Everything, or one schedule by name. */
export type PauseScope = { schedule?: string | undefined };

const SCHEDULE_PREFIX = Keys.pauseSchedule("");

/** The control-bucket key of a scope; a schedule name must be one subject token. */
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
 * Pauses scheduling as a whole, or one schedule: a flag in the control bucket, so it holds
 * across scheduler restarts and for every replica. Fires while paused are skipped and counted.
 */
export async function pauseScheduling(
  bus: Bus,
  opts: { schedule?: string | undefined; by: string },
): Promise<PauseFlag> {
  const flag: PauseFlag = { at: new Date().toISOString(), by: opts.by };
  await bus.kv.control.put(keyOf(opts), JSON.stringify(flag));
  return flag;
}

/** Removes a pause flag; resolves false when it was not set. */
export async function resumeScheduling(
  bus: Bus,
  opts: { schedule?: string | undefined },
): Promise<boolean> {
  const key = keyOf(opts);
  const e = await bus.kv.control.get(key);
  if (!e || e.operation !== "PUT") return false;
  await bus.kv.control.delete(key);
  return true;
}
