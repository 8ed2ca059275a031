import { describe, expect, it } from "vitest";
import { costOf, DEFAULT_PRICES, priceFor } from "./prices.ts";

describe("prices", () => {
  it("finds the longest matching prefix", () => {
    expect(priceFor(DEFAULT_PRICES, "claude-sonnet-4-6")?.input).toBe(3);
    expect(priceFor(DEFAULT_PRICES, "claude-opus-4-1-20250805")?.input).toBe(15);
    expect(priceFor(DEFAULT_PRICES, "claude-opus-4-20250514")?.input).toBe(15);
    expect(priceFor(DEFAULT_PRICES, "claude-opus-4-5")?.input).toBe(5);
    expect(priceFor(DEFAULT_PRICES, "gpt-5-codex")?.cacheRead).toBe(0.125);
    expect(priceFor(DEFAULT_PRICES, "gpt-5-mini-2025")?.input).toBe(0.25);
    expect(priceFor(DEFAULT_PRICES, "llama-3")).toBeUndefined();
    expect(
      priceFor({ ...DEFAULT_PRICES, "llama-3": { input: 1, output: 1 } }, "llama-3-70b")?.input,
    ).toBe(1);
  });

  it("prices uncached input, output, cache writes and reads separately", () => {
    // Claude Code reported $0.1323672 for exactly this usage of claude-sonnet-4-6.
    const usage = {
      inputTokens: 0,
      outputTokens: 53,
      cacheWriteTokens: 32_748,
      cacheReadTokens: 29_224,
    };
    expect(costOf(usage, priceFor(DEFAULT_PRICES, "claude-sonnet-4-6")!)).toBe(0.1323672);
    expect(
      costOf(
        { ...usage, cacheWriteTokens: 0, cacheReadTokens: 0, inputTokens: 1_000_000 },
        { input: 2, output: 8 },
      ),
    ).toBe(2.000424);
  });
});
