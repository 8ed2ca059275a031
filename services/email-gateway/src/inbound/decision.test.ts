import { describe, expect, it } from "vitest";
import { parseDecision } from "./decision.ts";

describe("parseDecision", () => {
  it("reads approve / reject as the first word, with the rest as the message", () => {
    expect(parseDecision("approve")).toEqual({ decision: "approve", message: undefined });
    expect(parseDecision("  Approved.\n")).toEqual({ decision: "approve", message: undefined });
    expect(parseDecision("APPROVE \u2014 go ahead\nand ship it")).toEqual({
      decision: "approve",
      message: "go ahead\nand ship it",
    });
    expect(parseDecision("reject: wrong approach")).toEqual({
      decision: "reject",
      message: "wrong approach",
    });
    expect(parseDecision("Rejected")).toEqual({ decision: "reject", message: undefined });
  });

  it("is not fooled by the word elsewhere or inside another word", () => {
    expect(parseDecision("I approve")).toBeUndefined();
    expect(parseDecision("approvement pending")).toBeUndefined();
    expect(parseDecision("rejecting is an option")).toBeUndefined();
    expect(parseDecision("")).toBeUndefined();
  });
});
