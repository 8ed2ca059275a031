import { describe, expect, it } from "vitest";
import { reconnectDelay } from "./watch-mailbox.ts";
import { parseMessage } from "./parse-message.ts";

const opts = { maxBodyChars: 200 };

describe("parseMessage", () => {
  it("reads an HTML-only mail as text without the quoted original", async () => {
    const mail = await parseMessage(
      Buffer.from(
        [
          "From: Alice <alice@example.test>",
          "To: Team: agent@example.test, bob@example.test;",
          "Reply-To: <alice+replies@example.test>",
          "Subject: Bug",
          "Message-ID: <h1@example.test>",
          "In-Reply-To: <r0@example.test>",
          "References: <r0@example.test>",
          "Content-Type: text/html; charset=utf-8",
          "",
          '<p>Please fix <b>the login</b>.</p><div class="gmail_quote">On Mon, Bob wrote:<blockquote>old</blockquote></div>',
        ].join("\r\n"),
      ),
      opts,
    );
    expect(mail).toMatchObject({
      messageId: "<h1@example.test>",
      from: "alice@example.test",
      replyTo: "alice+replies@example.test",
      to: ["agent@example.test", "bob@example.test"],
      subject: "Bug",
      text: "Please fix the login.",
      inReplyTo: "<r0@example.test>",
      references: ["<r0@example.test>"],
      problems: [],
      malformed: false,
    });
  });

  it("derives the same id for the same mail without a Message-ID, and cuts long text", async () => {
    const raw = Buffer.from(
      `From: a@x.test\r\nTo: b@x.test\r\nSubject: s\r\n\r\n${"y".repeat(500)}\r\n`,
    );
    const a = await parseMessage(raw, opts);
    const b = await parseMessage(raw, opts);
    expect(a.syntheticId).toBe(true);
    expect(a.messageId).toBe(b.messageId);
    expect(a.problems[0]).toMatch(/^no Message-ID: using <[0-9a-f]{40}@nightshift\.invalid>/);
    expect(a.text).toBe(`${"y".repeat(200)}\n\n[the mail's text was cut at 200 characters]`);
  });
});

describe("reconnectDelay", () => {
  it("doubles from min to max, with jitter between half and all of it", () => {
    for (let i = 0; i < 50; i++) {
      const first = reconnectDelay(1, 1000, 60_000);
      expect(first).toBeGreaterThanOrEqual(500);
      expect(first).toBeLessThanOrEqual(1000);
      const fourth = reconnectDelay(4, 1000, 60_000);
      expect(fourth).toBeGreaterThanOrEqual(4000);
      expect(fourth).toBeLessThanOrEqual(8000);
      expect(reconnectDelay(30, 1000, 60_000)).toBeLessThanOrEqual(60_000);
    }
  });
});
