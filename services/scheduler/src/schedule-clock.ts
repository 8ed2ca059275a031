import { createHash } from "node:crypto";
import { Cron } from "croner";

/** Fire times of one cron expression in its time zone. Slots are whole seconds. */
export interface ScheduleClock {
  /** The first slot strictly after `t`. */
  next(t: Date): Date | undefined;
  /** The latest slot at or before `t`. */
  latestAtOrBefore(t: Date): Date | undefined;
  /** Whether `t` is exactly a slot. */
  isSlot(t: Date): boolean;
  /** The next `n` slots strictly after `t`. */
  upcoming(n: number, t: Date): Date[];
}

export function scheduleClock(cron: string, timezone: string): ScheduleClock {
  const c = new Cron(cron, { timezone });
  return {
    next: (t) => c.nextRun(t) ?? undefined,
    latestAtOrBefore(t) {
      const floor = new Date(Math.floor(t.getTime() / 1000) * 1000);
      if (c.match(floor)) return floor;
      return c.previousRuns(1, floor)[0];
    },
    isSlot: (t) => t.getMilliseconds() === 0 && c.match(t),
    upcoming: (n, t) => c.nextRuns(n, t),
  };
}

/**
 * The delay of a slot's fire within `[0, maxMs]`: derived from the schedule name and slot,
 * so every replica (and a new leader) computes the same fire time for the same slot.
 */
export function jitterMs(name: string, slot: Date, maxMs: number): number {
  if (maxMs <= 0) return 0;
  const h = createHash("sha256").update(`${name}\0${slot.toISOString()}`).digest();
  return h.readUInt32BE(0) % (Math.floor(maxMs) + 1);
}
