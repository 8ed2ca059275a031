import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cardAndLoop } from "./submit-card.ts";

describe("submit's card and loop options", () => {
  it("builds a card from flags alone, and no loop without a loop flag", () => {
    expect(
      cardAndLoop(
        { goal: "Greet", accept: ["says hello", "says world"], "test-step": ["npm test"] },
        "/",
      ),
    ).toEqual({
      card: {
        goal: "Greet",
        inScope: [],
        outOfScope: [],
        acceptance: ["says hello", "says world"],
        constraints: [],
        testSteps: ["npm test"],
      },
    });
    expect(cardAndLoop({}, "/")).toEqual({});
  });

  it("adds flags to a card file, whose loop the flags override", () => {
    const dir = mkdtempSync(join(tmpdir(), "ns-card-"));
    writeFileSync(
      join(dir, "task.json"),
      JSON.stringify({
        goal: "From the file",
        acceptance: ["a"],
        loop: { maxRounds: 5, reviewer: { backend: "critic", model: "m1" } },
      }),
    );
    const got = cardAndLoop(
      { card: "task.json", accept: ["b"], "out-of-scope": ["vendor/"], "reviewer-model": "m2" },
      dir,
    );
    expect(got.card).toMatchObject({
      goal: "From the file",
      acceptance: ["a", "b"],
      outOfScope: ["vendor/"],
    });
    expect(got.loop).toEqual({ maxRounds: 5, reviewer: { backend: "critic", model: "m2" } });
    expect(cardAndLoop({ card: "task.json", goal: "Other", rounds: "2" }, dir)).toMatchObject({
      card: { goal: "Other" },
      loop: { maxRounds: 2 },
    });
  });

  it("makes a loop from --loop, --rounds, --worker or --reviewer", () => {
    expect(cardAndLoop({ loop: true }, "/").loop).toEqual({ maxRounds: 3 });
    expect(cardAndLoop({ rounds: "4", worker: "api" }, "/").loop).toEqual({
      maxRounds: 4,
      worker: { backend: "api" },
    });
    expect(cardAndLoop({ reviewer: "critic" }, "/").loop).toEqual({
      maxRounds: 3,
      reviewer: { backend: "critic" },
    });
  });

  it("refuses what cannot be a card or a loop", () => {
    expect(() => cardAndLoop({ accept: ["x"] }, "/")).toThrow(/needs a goal/);
    expect(() => cardAndLoop({ rounds: "two" }, "/")).toThrow(/--rounds must be a whole number/);
    expect(() => cardAndLoop({ rounds: "0" }, "/")).toThrow(/invalid loop: maxRounds/);
    expect(() => cardAndLoop({ rounds: "99" }, "/")).toThrow(/invalid loop: maxRounds/);
    const dir = mkdtempSync(join(tmpdir(), "ns-card-"));
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ goal: "g", loop: { rounds: 2 } }));
    expect(() => cardAndLoop({ card: "bad.json" }, dir)).toThrow(
      /invalid task card bad\.json: loop/,
    );
    expect(() => cardAndLoop({ card: "missing.json" }, dir)).toThrow(/cannot read task card/);
  });
});
