import { describe, expect, it } from "vitest";
import { coerceError, isNightshiftError, PermanentError, RetryableError } from "./errors.ts";

describe("errors", () => {
  it("carries code, reason and cause", () => {
    const cause = new Error("root");
    const err = new PermanentError("invalid-payload", "bad task", { cause });
    expect(err.code).toBe("PERMANENT");
    expect(err.reason).toBe("invalid-payload");
    expect(err.cause).toBe(cause);
    expect(isNightshiftError(err, "PERMANENT")).toBe(true);
    expect(isNightshiftError(err, "RETRYABLE")).toBe(false);
    expect(new RetryableError("busy", 500).delayMs).toBe(500);
  });

  it("coerces thrown non-errors", () => {
    expect(coerceError("boom").message).toBe("boom");
    expect(coerceError({ a: 1 }).message).toBe('{"a":1}');
    const e = new Error("x");
    expect(coerceError(e)).toBe(e);
  });
});
