import { describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { EmailOutbound } from "@nightshift/contracts";
import { PermanentError, RetryableError } from "@nightshift/errors";
import { composeMail, outboundMessageId } from "./compose-mail.ts";
import { mapSmtpError } from "./smtp-transport.ts";

const cfg = parseConfig(
  {
    email: {
      address: "agent@example.test",
      name: "Night\r\nShift",
      imap: { host: "i", user: "u" },
      smtp: { host: "s" },
    },
  },
  {},
).config.email!;

describe("composeMail", () => {
  it("threads, marks as automatic, and redacts secrets and token shapes", () => {
    const m = composeMail(
      EmailOutbound.parse({
        v: 1,
        id: "reply-1",
        kind: "reply",
        to: ["Alice@Example.test"],
        subject: "Re: x\r\nBcc: evil@x.test",
        text: "password hunter2-secret and ghp_abcdefghijklmnopqrstuvwxyz012345",
        inReplyTo: "<root@x.test>",
        references: ["<root@x.test>", "not an id"],
        taskId: "t1",
        createdAt: new Date().toISOString(),
      }),
      cfg,
      ["hunter2-secret"],
    );
    expect(m).toMatchObject({
      from: { name: "Night Shift", address: "agent@example.test" },
      to: ["alice@example.test"],
      subject: "Re: x Bcc: evil@x.test",
      text: "password [REDACTED] and [REDACTED]",
      inReplyTo: "<root@x.test>",
      references: ["<root@x.test>"],
      headers: {
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "X-Nightshift-Task": "t1",
      },
    });
    expect(m.messageId).toBe(outboundMessageId("reply-1", "agent@example.test"));
    expect(m.messageId).toMatch(/^<nightshift\.[0-9a-f]{24}@example\.test>$/);
    expect(outboundMessageId("reply-2", "agent@example.test")).not.toBe(m.messageId);
  });
});

describe("mapSmtpError", () => {
  it("makes 5xx permanent and everything else retryable", () => {
    const perm = mapSmtpError(
      Object.assign(new Error("x"), { responseCode: 550, response: "550 no such user" }),
      1000,
    );
    expect(perm).toBeInstanceOf(PermanentError);
    expect((perm as PermanentError).reason).toBe("smtp-rejected");
    const temp = mapSmtpError(Object.assign(new Error("x"), { responseCode: 451 }), 2000);
    expect(temp).toBeInstanceOf(RetryableError);
    expect((temp as RetryableError).delayMs).toBe(2000);
    const auth = mapSmtpError(
      Object.assign(new Error("bad"), { code: "EAUTH", responseCode: 535 }),
      1000,
    );
    expect(auth).toBeInstanceOf(RetryableError);
    expect(auth.message).toMatch(/SMTP_PASSWORD/);
    expect(
      mapSmtpError(Object.assign(new Error("refused"), { code: "ECONNECTION" }), 1),
    ).toBeInstanceOf(RetryableError);
  });
});
