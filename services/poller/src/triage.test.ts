import { describe, expect, it } from "vitest";
import { DEFAULT_TRIAGE } from "@nightshift/config";
import { triage } from "./triage.ts";

describe("triage", () => {
  it("sorts the usual items with the default rules", () => {
    const fail = (name: string, conclusion = "failure") => ({
      kind: "checks" as const,
      failing: [{ name, conclusion }],
    });
    expect(triage(DEFAULT_TRIAGE, fail("unit-tests"))).toEqual({ class: "green", rule: "default" });
    expect(triage(DEFAULT_TRIAGE, fail("lint", "timed_out")).class).toBe("green");
    expect(triage(DEFAULT_TRIAGE, fail("Deploy to production"))).toEqual({
      class: "red",
      rule: "deploy-release-security",
    });
    expect(triage(DEFAULT_TRIAGE, fail("tests", "action_required"))).toEqual({
      class: "red",
      rule: "approval-required",
    });
    expect(triage(DEFAULT_TRIAGE, { kind: "review", text: "Rename this variable" }).class).toBe(
      "green",
    );
    expect(
      triage(DEFAULT_TRIAGE, { kind: "review", text: "This needs a redesign of the cache" }).rule,
    ).toBe("design-discussion");
    expect(triage(DEFAULT_TRIAGE, { kind: "conflict" }).class).toBe("green");
    // Text rules are scoped: an issue that mentions an architecture is still work to do.
    expect(triage(DEFAULT_TRIAGE, { kind: "issue", text: "document the architecture" }).class).toBe(
      "green",
    );
  });

  it("applies the first matching rule, every condition of it", () => {
    const rules = [
      {
        name: "bob-red",
        class: "red" as const,
        when: { author: ["Bob"], trigger: ["mention" as const] },
      },
      { name: "all-green", class: "green" as const, when: {} },
    ];
    expect(triage(rules, { kind: "mention", author: "bob" }).rule).toBe("bob-red");
    expect(triage(rules, { kind: "review", author: "bob" }).rule).toBe("all-green");
    expect(triage(rules, { kind: "mention", author: "alice" }).rule).toBe("all-green");
  });
});
