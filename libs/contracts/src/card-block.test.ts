import { describe, expect, it } from "vitest";
import { cardFields, cardFromText } from "./card-block.ts";

const body = (block: string, fence = "```") =>
  `Saving crashes.\n\n${fence}nightshift-card\n${block}\n${fence}\n\nThanks!`;

describe("cardFromText", () => {
  it("reads the card and the loop settings from a fenced block", () => {
    const got = cardFromText(
      body(
        JSON.stringify({
          goal: "No crash on save",
          acceptance: ["saving an empty file works"],
          loop: { maxRounds: 4, reviewer: { backend: "critic" } },
        }),
      ),
    );
    expect(got).toEqual({
      card: {
        goal: "No crash on save",
        inScope: [],
        outOfScope: [],
        acceptance: ["saving an empty file works"],
        constraints: [],
        testSteps: [],
      },
      loop: { maxRounds: 4, reviewer: { backend: "critic" } },
    });
    expect(cardFromText(body('{"goal": "g"}', "~~~")).card?.goal).toBe("g");
  });

  it("gives nothing without a block, and a problem (no card) for a bad one", () => {
    expect(cardFromText('just text\n```json\n{"goal": "g"}\n```')).toEqual({});
    expect(cardFromText(undefined)).toEqual({});
    expect(cardFromText(body("{goal: g}")).problem).toMatch(/is not JSON/);
    expect(cardFromText(body('{"goal": "g", "loop": {"maxRounds": 99}}')).problem).toMatch(
      /loop\.maxRounds/,
    );
    expect(cardFromText(body('{"acceptance": ["x"]}')).problem).toMatch(/goal/);
    expect(cardFields(body('{"goal": ""}'), "Fix it")).toEqual({
      prompt:
        "Fix it\n\n(nightshift: the nightshift-card block is not a valid card: goal: Too small: expected string to have >=1 characters. The task runs without a card, as one run.)",
    });
    expect(cardFields("no block here", "Fix it")).toEqual({ prompt: "Fix it" });
  });
});
