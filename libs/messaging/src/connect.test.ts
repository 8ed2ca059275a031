import { describe, expect, it } from "vitest";
import { assertServerVersion } from "./connect.ts";

describe("assertServerVersion", () => {
  it("refuses servers older than 2.10 with a clear message", () => {
    expect(() => assertServerVersion("2.9.10")).toThrow(
      /nats-server 2\.9\.10 is too old: nightshift needs 2\.10\.0/,
    );
    expect(() => assertServerVersion(undefined)).toThrow(/too old/);
  });
  it("accepts 2.10 and newer", () => {
    expect(() => assertServerVersion("2.10.0")).not.toThrow();
    expect(() => assertServerVersion("2.15.1")).not.toThrow();
    expect(() => assertServerVersion("3.0.0")).not.toThrow();
  });
});
