import { describe, expect, it } from "vitest";
import { parseVersion, versionAtLeast } from "./version.ts";

describe("server version", () => {
  it("parses the forms nats-server prints", () => {
    expect(parseVersion("nats-server: v2.9.10")).toEqual([2, 9, 10]);
    expect(parseVersion("2.15.1")).toEqual([2, 15, 1]);
    expect(parseVersion("garbage")).toBeUndefined();
  });
  it("compares against the minimum", () => {
    expect(versionAtLeast("2.9.10")).toBe(false);
    expect(versionAtLeast("2.10.0")).toBe(true);
    expect(versionAtLeast("2.10.27")).toBe(true);
    expect(versionAtLeast("3.0.0")).toBe(true);
    expect(versionAtLeast("2.12.1", "2.12.4")).toBe(false);
  });
});
