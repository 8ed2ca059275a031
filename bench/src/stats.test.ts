import { describe, expect, it } from "vitest";
import { quantile, summarise } from "./stats.ts";

describe("quantile", () => {
  it("uses nearest rank", () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(v, 0.5)).toBe(50);
    expect(quantile(v, 0.99)).toBe(99);
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(summarise([5]).p99).toBe(5);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
  });
});
