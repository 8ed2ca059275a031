import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter.ts";

describe("RateLimiter", () => {
  it("allows perMinute sends in any 60 s window", async () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(2, () => now);
    const signal = new AbortController().signal;
    expect(await limiter.acquire(signal)).toBe(true);
    now += 10_000;
    expect(await limiter.acquire(signal)).toBe(true);
    expect(limiter.waitMs()).toBe(50_000);
    now += 50_000;
    expect(limiter.waitMs()).toBe(0);
    expect(await limiter.acquire(signal)).toBe(true);
    expect(limiter.waitMs()).toBe(10_000);
  });

  it("gives up waiting when its signal aborts", async () => {
    const limiter = new RateLimiter(1);
    const ctl = new AbortController();
    expect(await limiter.acquire(ctl.signal)).toBe(true);
    const waiting = limiter.acquire(ctl.signal);
    ctl.abort();
    expect(await waiting).toBe(false);
  });
});
