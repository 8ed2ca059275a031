import { describe, expect, it } from "vitest";
import { stripQuotedText } from "./strip-quotes.ts";

describe("stripQuotedText", () => {
  it("cuts at the reply header, including one wrapped over two lines", () => {
    expect(stripQuotedText("Yes, do it.\n\nOn Mon, 1 Jan 2026, Bob <b@x.test> wrote:\n> old")).toBe(
      "Yes, do it.",
    );
    expect(
      stripQuotedText(
        "Go.\r\n\r\nOn Mon, 1 Jan 2026 at 10:00, Bob Example <b@x.test>\r\nwrote:\r\n> old\r\n",
      ),
    ).toBe("Go.");
    expect(stripQuotedText("Ja.\n\nAm 1. Jan. 2026 um 10:00 schrieb Bob <b@x.test>:\n> alt")).toBe(
      "Ja.",
    );
  });

  it("cuts at Outlook's original-message block and header block", () => {
    expect(stripQuotedText("Fine.\n\n-----Original Message-----\nFrom: Bob\nSent: today\n")).toBe(
      "Fine.",
    );
    expect(
      stripQuotedText(
        "Fine.\n\n________________________________\nFrom: Bob <b@x.test>\nSent: Monday\nTo: me\n\nold",
      ),
    ).toBe("Fine.");
    expect(stripQuotedText("Fine.\n\nFrom: Bob <b@x.test>\nDate: Monday\nSubject: x\n\nold")).toBe(
      "Fine.",
    );
  });

  it("drops quoted lines and the signature, keeps the rest", () => {
    expect(
      stripQuotedText("> what about X?\nX is fine.\n> and Y?\nY too.\n\n-- \nAlice\nCEO"),
    ).toBe("X is fine.\nY too.");
    expect(stripQuotedText("line one\n\n\n\nline two  ")).toBe("line one\n\nline two");
  });

  it("keeps a mail that is nothing but quotes", () => {
    expect(stripQuotedText("> please fix the login page\n> it is broken")).toBe(
      "> please fix the login page\n> it is broken",
    );
  });

  it("does not cut at an ordinary sentence that mentions From:", () => {
    expect(stripQuotedText("Copy the From: header into the log.\nThanks")).toBe(
      "Copy the From: header into the log.\nThanks",
    );
  });
});
