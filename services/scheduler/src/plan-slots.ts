import { jitterMs, type ScheduleClock } from "./schedule-clock.ts";

export interface PlanInput {
  clock: ScheduleClock;
  name: string;
  jitterMaxMs: number;
  /** The last slot already handled. */
  cursor: Date;
  now: Date;
  /** When this scheduler became leader: slots before it came due while nobody was leading. */
  leaderSince: Date;
  graceMs: number;
  missed: "skip" | "run-once";
  /** Most slots enumerated per plan; missed slots beyond it are counted as this many. */
  limit?: number;
}

export interface SlotPlan {
  /** Slots to fire now, oldest first. */
  fire: Date[];
  /** Slots that will never fire (collapsed or skipped by the missed-run policy). */
  missed: number;
  /** The new cursor: the last slot this plan handles (unchanged when nothing is due). */
  cursor: Date;
  /** When the next slot after `cursor` becomes due (its time plus jitter). */
  wakeAt: Date | undefined;
}

/**
 * Decides what to do with the slots that came due since `cursor`. A slot that came due while
 * this scheduler led fires on its own, after its jitter. Slots that came due before (the
 * scheduler was down, or leadership was changing hands) collapse into at most one fire, the
 * latest of them: always with `run-once`, and with `skip` only while it is within `grace`.
 */
export function planSlots(p: PlanInput): SlotPlan {
  const limit = p.limit ?? 1000;
  const fire: Date[] = [];
  let missed = 0;
  let cursor = p.cursor;
  const lateBound = new Date(Math.min(p.leaderSince.getTime(), p.now.getTime()) - 1);
  const latestLate = p.clock.latestAtOrBefore(lateBound);
  if (latestLate !== undefined && latestLate > cursor) {
    let late = 0;
    for (let s = p.clock.next(cursor); s !== undefined && s <= latestLate && late < limit;) {
      late++;
      s = p.clock.next(s);
    }
    const fireLate =
      p.missed === "run-once" || p.leaderSince.getTime() - latestLate.getTime() <= p.graceMs;
    if (fireLate) fire.push(latestLate);
    missed = late - (fireLate ? 1 : 0);
    cursor = latestLate;
  }
  let wakeAt: Date | undefined;
  for (let s = p.clock.next(cursor); s !== undefined; s = p.clock.next(s)) {
    const due = new Date(s.getTime() + jitterMs(p.name, s, p.jitterMaxMs));
    if (due > p.now || fire.length >= limit) {
      wakeAt = due;
      break;
    }
    fire.push(s);
    cursor = s;
  }
  return { fire, missed, cursor, wakeAt };
}
