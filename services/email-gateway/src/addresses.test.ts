import { describe, expect, it } from "vitest";
import { domainsAlign, isNoReply, onList, withoutTag } from "./addresses.ts";

describe("addresses", () => {
  it("matches addresses without +tags and domains exactly", () => {
    expect(withoutTag("Alice+work@Example.test")).toBe("alice@example.test");
    expect(onList("alice+x@example.test", ["alice@example.test"])).toBe(true);
    expect(onList("bob@example.test", ["example.test"])).toBe(true);
    expect(onList("bob@sub.example.test", ["example.test"])).toBe(false);
    expect(onList("bob@example.test", [])).toBe(false);
    expect(isNoReply("no-reply@github.com")).toBe(true);
    expect(isNoReply("noreply+abc@x.test")).toBe(true);
    expect(isNoReply("bounces@x.test")).toBe(true);
    expect(isNoReply("norah@x.test")).toBe(false);
    expect(domainsAlign("mail.example.test", "example.test")).toBe(true);
    expect(domainsAlign("example.test.evil", "example.test")).toBe(false);
  });
});
