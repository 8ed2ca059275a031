import { describe, expect, it } from "vitest";
import { codexRateLimit } from "./codex-backend.ts";
import { parseResetDuration, rateLimitFromHeaders } from "./rate-limit.ts";

const now = Date.parse("2030-01-01T00:00:00Z");

describe("rate-limit signals", () => {
  it("prefers retry-after, in seconds or as a date", () => {
    expect(rateLimitFromHeaders({ "retry-after": "30" }, now, 60_000)).toEqual({
      resetAt: "2030-01-01T00:00:30.000Z",
      source: "retry-after",
    });
    expect(
      rateLimitFromHeaders({ "retry-after": "Tue, 01 Jan 2030 00:02:00 GMT" }, now, 60_000).resetAt,
    ).toBe("2030-01-01T00:02:00.000Z");
  });

  it("falls back to the latest exhausted limit's reset header, then to the fallback delay", () => {
    const h = new Headers({
      "anthropic-ratelimit-requests-remaining": "0",
      "anthropic-ratelimit-requests-reset": "2030-01-01T00:01:00Z",
      "anthropic-ratelimit-tokens-remaining": "0",
      "anthropic-ratelimit-tokens-reset": "2030-01-01T00:03:00Z",
      "anthropic-ratelimit-input-tokens-remaining": "5",
      "anthropic-ratelimit-input-tokens-reset": "2030-01-01T00:09:00Z",
    });
    expect(rateLimitFromHeaders(h, now, 60_000)).toEqual({
      resetAt: "2030-01-01T00:03:00.000Z",
      source: "reset-header",
    });
    expect(
      rateLimitFromHeaders(
        { "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "6m0s" },
        now,
        1,
      ).resetAt,
    ).toBe("2030-01-01T00:06:00.000Z");
    expect(rateLimitFromHeaders({}, now, 90_000)).toEqual({
      resetAt: "2030-01-01T00:01:30.000Z",
      source: "fallback",
    });
  });

  it("reads OpenAI's reset durations", () => {
    expect(parseResetDuration("1.5s")).toBe(1500);
    expect(parseResetDuration("1h2m3s")).toBe(3_723_000);
    expect(parseResetDuration("250ms")).toBe(250);
    expect(parseResetDuration("soon")).toBeUndefined();
  });

  it("recognises codex's rate-limit errors and the delay they quote", () => {
    expect(
      codexRateLimit("exceeded retry limit, last status: 429 Too Many Requests", now, 60_000)
        ?.source,
    ).toBe("fallback");
    expect(
      codexRateLimit("Rate limit reached. Please try again in 20s.", now, 60_000)?.resetAt,
    ).toBe("2030-01-01T00:00:20.000Z");
    expect(
      codexRateLimit("You've hit your usage limit, try again in 5 minutes", now, 1)?.resetAt,
    ).toBe("2030-01-01T00:05:00.000Z");
    expect(codexRateLimit("stream disconnected", now, 60_000)).toBeUndefined();
  });
});
