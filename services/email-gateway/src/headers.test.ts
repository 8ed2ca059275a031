import { describe, expect, it } from "vitest";
import { capReferences, normaliseMessageId, oneLine, replySubject } from "./headers.ts";

describe("header values", () => {
  it("keeps subjects on one line and prefixes Re: once", () => {
    expect(oneLine("Hello\r\nBcc: victim@evil.test\tnow")).toBe("Hello Bcc: victim@evil.test now");
    expect(replySubject("Fix it")).toBe("Re: Fix it");
    expect(replySubject("RE: Fix it")).toBe("RE: Fix it");
    expect(replySubject("Aw: Fix it")).toBe("Aw: Fix it");
    expect(replySubject("a\r\nb")).toBe("Re: a b");
    expect(replySubject("")).toBe("Re: your request");
  });

  it("normalises Message-IDs and trims long References", () => {
    expect(normaliseMessageId(" <abc@x.test> ")).toBe("<abc@x.test>");
    expect(normaliseMessageId("abc@x.test")).toBe("<abc@x.test>");
    expect(normaliseMessageId("<a b\r\nc@x>")).toBe("<abc@x>");
    expect(normaliseMessageId("<>")).toBeUndefined();
    expect(normaliseMessageId("not an id")).toBeUndefined();
    const ids = Array.from({ length: 30 }, (_, i) => `<${i}@x>`);
    const capped = capReferences(ids);
    expect(capped).toHaveLength(20);
    expect(capped[0]).toBe("<0@x>");
    expect(capped.at(-1)).toBe("<29@x>");
    expect(capReferences(["<a@x>", "<a@x>", "<b@x>"])).toEqual(["<a@x>", "<b@x>"]);
  });
});
