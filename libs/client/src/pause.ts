import { Keys, type PauseFlag } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";

/**
 * Pauses scheduling as a whole, or one schedule: a flag in the control bucket, so it holds
 * across scheduler restarts and for every replica. Fires while paused are skipped and counted.
 */
export async function pauseScheduling(
  bus: Bus,
  opts: { schedule?: string | undefined; by: string },
): Promise<PauseFlag> {
  const flag: PauseFlag = { at: new Date().toISOString(), by: opts.by };
  const key = opts.schedule === undefined ? Keys.pauseAll : Keys.pauseSchedule(opts.schedule);
  await bus.kv.control.put(key, JSON.stringify(flag));
  return flag;
}

/** Removes a pause flag; resolves false when it was not set. */
export async function resumeScheduling(
  bus: Bus,
  opts: { schedule?: string | undefined },
): Promise<boolean> {
  const key = opts.schedule === undefined ? Keys.pauseAll : Keys.pauseSchedule(opts.schedule);
  const e = await bus.kv.control.get(key);
  if (!e || e.operation !== "PUT") return false;
  await bus.kv.control.delete(key);
  return true;
}
