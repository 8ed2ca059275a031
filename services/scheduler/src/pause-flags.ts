import { Keys, PauseFlag } from "@nightshift/contracts";
import type { KV } from "@nightshift/messaging";

export interface Paused {
  scope: "all" | "schedule";
  flag: PauseFlag;
}

async function read(kv: KV, key: string): Promise<PauseFlag | undefined> {
  const e = await kv.get(key);
  if (!e || e.operation !== "PUT") return undefined;
  const parsed = PauseFlag.safeParse(e.json());
  // A flag we cannot read still means somebody paused: honour it.
  return parsed.success ? parsed.data : { at: new Date(0).toISOString(), by: "unknown" };
}

/** Whether scheduling as a whole, or this schedule, is paused (flags in the control bucket). */
export async function pausedBy(control: KV, schedule: string): Promise<Paused | undefined> {
  const all = await read(control, Keys.pauseAll);
  if (all) return { scope: "all", flag: all };
  const one = await read(control, Keys.pauseSchedule(schedule));
  return one ? { scope: "schedule", flag: one } : undefined;
}
