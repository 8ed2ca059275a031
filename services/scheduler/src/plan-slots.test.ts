import { describe, expect, it } from "vitest";
import { planSlots, type PlanInput } from "./plan-slots.ts";
import { jitterMs, scheduleClock } from "./schedule-clock.ts";

const clock = scheduleClock("* * * * * *", "UTC");
const t = (sec: number, ms = 0): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, sec, ms));
const iso = (ds: Date[]): string[] => ds.map((x) => x.toISOString());

function plan(over: Partial<PlanInput>) {
  return planSlots({
    clock,
    name: "every-second",
    jitterMaxMs: 0,
    cursor: t(10),
    now: t(10, 500),
    leaderSince: t(0),
    graceMs: 0,
    missed: "skip",
    ...over,
  });
}

describe("planSlots", () => {
  it("fires nothing before the next slot and says when to wake", () => {
    const p = plan({});
    expect(p.fire).toEqual([]);
    expect(p.missed).toBe(0);
    expect(p.cursor).toEqual(t(10));
    expect(p.wakeAt).toEqual(t(11));
  });

  it("fires every slot that came due while leading, even late", () => {
    const p = plan({ now: t(13, 200) });
    expect(iso(p.fire)).toEqual(iso([t(11), t(12), t(13)]));
    expect(p.missed).toBe(0);
    expect(p.cursor).toEqual(t(13));
    expect(p.wakeAt).toEqual(t(14));
  });

  it("skip: slots that came due before leading are not fired", () => {
    const p = plan({ cursor: t(10), leaderSince: t(13, 400), now: t(13, 500) });
    expect(p.fire).toEqual([]);
    expect(p.missed).toBe(3);
    expect(p.cursor).toEqual(t(13));
  });

  it("run-once: slots that came due before leading collapse into one fire of the latest", () => {
    const p = plan({ cursor: t(10), leaderSince: t(13, 400), now: t(13, 500), missed: "run-once" });
    expect(iso(p.fire)).toEqual(iso([t(13)]));
    expect(p.missed).toBe(2);
    expect(p.cursor).toEqual(t(13));
  });

  it("skip: the latest late slot still fires within the grace period, the rest collapse", () => {
    const p = plan({ cursor: t(10), leaderSince: t(13, 400), now: t(14, 100), graceMs: 1_000 });
    expect(iso(p.fire)).toEqual(iso([t(13), t(14)]));
    expect(p.missed).toBe(2);
    const outside = plan({ cursor: t(10), leaderSince: t(14, 100), now: t(14, 200), graceMs: 50 });
    expect(outside.fire).toEqual([]);
    expect(outside.missed).toBe(4);
  });

  it("waits for a slot's jitter before firing it", () => {
    const j = jitterMs("every-second", t(11), 800);
    const before = plan({ jitterMaxMs: 800, now: new Date(t(11).getTime() + j - 1) });
    expect(before.fire).toEqual([]);
    expect(before.wakeAt).toEqual(new Date(t(11).getTime() + j));
    const after = plan({ jitterMaxMs: 800, now: new Date(t(11).getTime() + j) });
    expect(iso(after.fire)).toEqual(iso([t(11)]));
  });

  it("counts long outages up to the limit without enumerating them all", () => {
    const p = plan({
      cursor: t(0),
      leaderSince: new Date(t(0).getTime() + 86_400_000 + 10),
      now: new Date(t(0).getTime() + 86_400_000 + 20),
      missed: "run-once",
      limit: 100,
    });
    expect(iso(p.fire)).toEqual(iso([new Date(t(0).getTime() + 86_400_000)]));
    expect(p.missed).toBe(99);
  });
});
