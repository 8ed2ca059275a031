import { describe, expect, it } from "vitest";
import { interpolateString, InterpolationError, variablesOf } from "./interpolate.ts";

describe("Compose variable substitution", () => {
  const env = { SET: "v", EMPTY: "" };

  it("substitutes, defaults and escapes as Compose does", () => {
    expect(interpolateString("a-${SET}-$SET-$$SET", env)).toBe("a-v-v-$SET");
    expect(interpolateString("${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}", env)).toBe("d d  d");
    expect(interpolateString("${SET:+alt} ${EMPTY:+alt} ${EMPTY+alt}", env)).toBe("alt  alt");
    expect(interpolateString("${UNSET}", env)).toBe("");
  });

  it("fails on a required variable that is unset or, with a colon, empty", () => {
    expect(() => interpolateString("${UNSET:?set it in .env}", env, "x")).toThrow(
      InterpolationError,
    );
    expect(() => interpolateString("${EMPTY:?set it}", env)).toThrow(
      /EMPTY is missing a value: set it/,
    );
    expect(interpolateString("${EMPTY?set it}", env)).toBe("");
  });

  it("lists the variables a file reads and which are required", () => {
    const vars = variablesOf({ a: ["${A:?x}", "$B", "${C:-d}"], b: { c: "$$D" } });
    expect(Object.fromEntries(vars)).toEqual({
      A: { required: true },
      B: { required: false },
      C: { required: false },
    });
  });
});
