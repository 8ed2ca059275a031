import { describe, expect, it } from "vitest";
import { authenticate, decideAccess, isLoopback, parseTokens } from "./access.ts";

describe("API access", () => {
  it("parses named and bare tokens and refuses short or repeated ones", () => {
    const tokens = parseTokens(
      " ci:aaaaaaaaaaaaaaaa , bbbbbbbbbbbbbbbbbbbb,ops:c:cccccccccccccccc ",
    );
    expect(tokens.map((t) => t.name)).toEqual(["ci", "token2", "ops"]);
    expect(authenticate(tokens, "Bearer aaaaaaaaaaaaaaaa")).toBe("ci");
    expect(authenticate(tokens, "bearer bbbbbbbbbbbbbbbbbbbb")).toBe("token2");
    expect(authenticate(tokens, "Bearer c:cccccccccccccccc")).toBe("ops");
    expect(authenticate(tokens, "Bearer aaaaaaaaaaaaaaa")).toBeUndefined();
    expect(authenticate(tokens, "aaaaaaaaaaaaaaaa")).toBeUndefined();
    expect(authenticate(tokens, undefined)).toBeUndefined();
    expect(() => parseTokens("ci:short")).toThrow(/shorter than 16/);
    expect(() => parseTokens("a:aaaaaaaaaaaaaaaa,a:bbbbbbbbbbbbbbbb")).toThrow(/twice/);
  });

  it("is on with tokens, open only for up on loopback, off otherwise", () => {
    expect(
      decideAccess({ tokens: "x:aaaaaaaaaaaaaaaa", openOnLoopback: false, host: "0.0.0.0" }).mode,
    ).toBe("tokens");
    expect(
      decideAccess({ tokens: "x:aaaaaaaaaaaaaaaa", openOnLoopback: true, host: "127.0.0.1" }).mode,
    ).toBe("tokens");
    expect(decideAccess({ tokens: undefined, openOnLoopback: true, host: "127.0.0.1" }).mode).toBe(
      "open",
    );
    expect(decideAccess({ tokens: " , ", openOnLoopback: true, host: "::1" }).mode).toBe("open");
    const lan = decideAccess({ tokens: undefined, openOnLoopback: true, host: "0.0.0.0" });
    expect(lan).toMatchObject({
      mode: "off",
      reason: expect.stringMatching(/not a loopback/) as unknown,
    });
    expect(decideAccess({ tokens: undefined, openOnLoopback: false, host: "127.0.0.1" }).mode).toBe(
      "off",
    );
    expect(["127.0.0.1", "127.1.2.3", "::1", "localhost"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "10.0.0.1", "example.com", "::"].some(isLoopback)).toBe(false);
  });
});
