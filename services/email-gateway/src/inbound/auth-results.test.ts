import { describe, expect, it } from "vitest";
import { authPasses, parseAuthResults } from "./auth-results.ts";

describe("Authentication-Results", () => {
  it("parses results, properties and comments (which may hold semicolons)", () => {
    expect(
      parseAuthResults(
        "mx.example.test 1; dkim=pass (1024-bit key; secure) header.d=example.test header.i=@example.test; spf=softfail smtp.mailfrom=bob@x.test; dmarc=none",
      ),
    ).toEqual({
      authServId: "mx.example.test",
      results: [
        {
          method: "dkim",
          result: "pass",
          props: { "header.d": "example.test", "header.i": "@example.test" },
        },
        { method: "spf", result: "softfail", props: { "smtp.mailfrom": "bob@x.test" } },
        { method: "dmarc", result: "none", props: {} },
      ],
    });
    expect(parseAuthResults("mx.example.test; none").results).toEqual([]);
  });

  it("accepts aligned passes only, from the topmost header or the named server", () => {
    const pass = "mx.example.test; dkim=pass header.d=example.test";
    expect(authPasses([pass], "a@example.test", "dkim", undefined).pass).toBe(true);
    expect(authPasses([pass], "a@sub.example.test", "dkim", undefined).pass).toBe(true);
    expect(authPasses([pass], "a@other.test", "dkim", undefined).pass).toBe(false);
    expect(authPasses(["mx; dkim=fail", pass], "a@example.test", "dkim", undefined).pass).toBe(
      false,
    );
    expect(
      authPasses(["mx; dkim=fail", pass], "a@example.test", "dkim", "mx.example.test").pass,
    ).toBe(true);
    expect(authPasses([], "a@example.test", "none", undefined).pass).toBe(true);
    expect(authPasses([], "a@example.test", "spf", undefined)).toEqual({
      pass: false,
      detail: "no Authentication-Results header",
    });
    expect(
      authPasses(
        ["mx; spf=pass smtp.mailfrom=example.test"],
        "a@example.test",
        "dkim-or-spf",
        undefined,
      ).pass,
    ).toBe(true);
  });
});
