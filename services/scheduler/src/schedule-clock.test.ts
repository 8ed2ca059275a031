import { describe, expect, it } from "vitest";
import { jitterMs, scheduleClock } from "./schedule-clock.ts";

const d = (s: string): Date => new Date(s);

describe("scheduleClock", () => {
  it("reads the expression in its time zone, across a daylight-saving change", () => {
    const berlin = scheduleClock("0 2 * * *", "Europe/Berlin");
    // 02:00 CET is 01:00Z; on 2026-03-29 02:00 does not exist locally and croner fires at 03:00 CEST.
    expect(berlin.upcoming(3, d("2026-03-27T12:00:00Z")).map((x) => x.toISOString())).toEqual([
      "2026-03-28T01:00:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:00:00.000Z",
    ]);
    const utc = scheduleClock("0 2 * * *", "UTC");
    expect(utc.next(d("2026-03-27T12:00:00Z"))?.toISOString()).toBe("2026-03-28T02:00:00.000Z");
  });

  it("finds the latest slot at or before a time, and recognises exact slots", () => {
    const c = scheduleClock("*/2 * * * * *", "UTC");
    expect(c.latestAtOrBefore(d("2026-01-01T00:00:04.000Z"))?.toISOString()).toBe(
      "2026-01-01T00:00:04.000Z",
    );
    expect(c.latestAtOrBefore(d("2026-01-01T00:00:05.999Z"))?.toISOString()).toBe(
      "2026-01-01T00:00:04.000Z",
    );
    expect(c.next(d("2026-01-01T00:00:04.000Z"))?.toISOString()).toBe("2026-01-01T00:00:06.000Z");
    expect(c.isSlot(d("2026-01-01T00:00:04.000Z"))).toBe(true);
    expect(c.isSlot(d("2026-01-01T00:00:04.500Z"))).toBe(false);
    expect(c.isSlot(d("2026-01-01T00:00:05.000Z"))).toBe(false);
  });

  it("derives a stable jitter per schedule and slot within the bound", () => {
    const slot = d("2026-01-01T02:00:00Z");
    expect(jitterMs("nightly", slot, 0)).toBe(0);
    const a = jitterMs("nightly", slot, 60_000);
    expect(a).toBe(jitterMs("nightly", slot, 60_000));
    const spread = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const j = jitterMs("nightly", new Date(slot.getTime() + i * 86_400_000), 60_000);
      expect(j).toBeGreaterThanOrEqual(0);
      expect(j).toBeLessThanOrEqual(60_000);
      spread.add(j);
    }
    expect(spread.size).toBeGreaterThan(40);
    expect(jitterMs("weekly", slot, 60_000)).not.toBe(a);
  });
});
