import { describe, expect, it } from "vitest";
import { busyDelay } from "./busy-delay.ts";

describe("busyDelay", () => {
  it("spreads the wait over half to one and a half times the configured delay", () => {
    expect(busyDelay(5_000, () => 0)).toBe(2_500);
    expect(busyDelay(5_000, () => 0.5)).toBe(5_000);
    expect(busyDelay(5_000, () => 0.999)).toBe(7_495);
    const seen = new Set(Array.from({ length: 50 }, () => busyDelay(5_000)));
    expect(seen.size).toBeGreaterThan(10);
    for (const d of seen) expect(d >= 2_500 && d < 7_500).toBe(true);
  });
});
