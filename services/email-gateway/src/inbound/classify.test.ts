import { describe, expect, it } from "vitest";
import { parseConfig } from "@nightshift/config";
import { classify, intakePolicy, type IntakePolicy } from "./classify.ts";
import { parseMessage } from "./parse-message.ts";

function policy(email: Record<string, unknown> = {}): IntakePolicy {
  const cfg = parseConfig(
    {
      email: {
        address: "agent@example.test",
        aliases: ["bot@example.test"],
        imap: { host: "imap", user: "agent" },
        smtp: { host: "smtp" },
        allow: { senders: ["alice@example.test", "trusted.test"] },
        ...email,
      },
    },
    {},
  ).config.email!;
  return intakePolicy(cfg);
}

function raw(headers: Record<string, string>, body = "Please fix the bug."): Buffer {
  const all: Record<string, string> = {
    "Return-Path": "<alice@example.test>",
    From: "Alice <alice@example.test>",
    To: "agent@example.test",
    Subject: "Fix it",
    "Message-ID": "<m1@example.test>",
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `${k}: ${v}`);
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n${body}\r\n`);
}

async function verdict(
  headers: Record<string, string>,
  p: IntakePolicy = policy(),
  body?: string,
): Promise<string> {
  const v = classify(await parseMessage(raw(headers, body), { maxBodyChars: 10_000 }), p);
  return v.accept ? "accept" : v.reason;
}

describe("classify", () => {
  it("accepts an allowed sender writing To the agent, an alias or a +tag", async () => {
    expect(await verdict({})).toBe("accept");
    expect(await verdict({ To: "Bot <bot@example.test>" })).toBe("accept");
    expect(await verdict({ To: "agent+project@example.test, someone@else.test" })).toBe("accept");
    expect(await verdict({ From: "bob@trusted.test" })).toBe("accept");
    expect(await verdict({ "Auto-Submitted": "no" })).toBe("accept");
  });

  it("ignores mail only Cc'd to the agent, and mail from the agent itself", async () => {
    expect(await verdict({ To: "team@example.test", Cc: "agent@example.test" })).toBe(
      "not-addressed-to-agent",
    );
    expect(await verdict({ From: "agent@example.test" })).toBe("own-address");
    expect(await verdict({ From: "bot+x@example.test" })).toBe("own-address");
  });

  it("recognises bounces: null return path, MAILER-DAEMON, postmaster, DSNs, X-Failed-Recipients", async () => {
    expect(await verdict({ "Return-Path": "<>" })).toBe("bounce");
    expect(await verdict({ From: "MAILER-DAEMON@example.test" })).toBe("bounce");
    expect(await verdict({ From: "postmaster@trusted.test" })).toBe("bounce");
    expect(await verdict({ "X-Failed-Recipients": "x@y.test" })).toBe("bounce");
    expect(
      await verdict(
        {
          "Content-Type": 'multipart/report; report-type=delivery-status; boundary="b"',
        },
        policy(),
        "--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b--",
      ),
    ).toBe("bounce");
  });

  it("follows RFC 3834 and list conventions", async () => {
    expect(await verdict({ "Auto-Submitted": "auto-replied" })).toBe("auto-reply");
    expect(await verdict({ "Auto-Submitted": "auto-generated; owner-email=x" })).toBe("auto-reply");
    expect(await verdict({ "X-Autoreply": "yes" })).toBe("auto-reply");
    expect(await verdict({ "X-Autorespond": "vacation" })).toBe("auto-reply");
    expect(await verdict({ Precedence: "auto_reply" })).toBe("auto-reply");
    expect(await verdict({ Precedence: "bulk" })).toBe("bulk");
    expect(await verdict({ Precedence: "junk" })).toBe("bulk");
    expect(await verdict({ Precedence: "list" })).toBe("bulk");
    expect(await verdict({ "List-Id": "<dev.example.test>" })).toBe("mailing-list");
    expect(await verdict({ From: "no-reply@trusted.test" })).toBe("no-reply-sender");
    expect(await verdict({ From: "donotreply@trusted.test" })).toBe("no-reply-sender");
  });

  it("lets only listed senders in; an empty list lets nobody in", async () => {
    expect(await verdict({ From: "mallory@evil.test" })).toBe("sender-not-allowed");
    expect(await verdict({ From: "eve@sub.trusted.test" })).toBe("sender-not-allowed");
    expect(await verdict({ From: "eve@trusted.test.evil.test" })).toBe("sender-not-allowed");
    const closed = policy({ allow: {} });
    const v = classify(await parseMessage(raw({}), { maxBodyChars: 100 }), closed);
    expect(v).toEqual({
      accept: false,
      reason: "sender-not-allowed",
      detail: "alice@example.test is not allowed: email.allow.senders is empty, so nobody is",
    });
  });

  it("requires an aligned DKIM or SPF pass from the trusted server when configured", async () => {
    const dkim = policy({ allow: { senders: ["example.test"], requireAuth: "dkim" } });
    expect(await verdict({}, dkim)).toBe("not-authenticated");
    const pass =
      "mx.example.test; dkim=pass (good signature) header.d=example.test header.s=s1; spf=fail";
    expect(await verdict({ "Authentication-Results": pass }, dkim)).toBe("accept");
    const otherDomain = "mx.example.test; dkim=pass header.d=elsewhere.test";
    expect(await verdict({ "Authentication-Results": otherDomain }, dkim)).toBe(
      "not-authenticated",
    );
    const spf = policy({ allow: { senders: ["example.test"], requireAuth: "spf" } });
    expect(
      await verdict(
        { "Authentication-Results": "mx; spf=pass smtp.mailfrom=alice@example.test" },
        spf,
      ),
    ).toBe("accept");
    expect(await verdict({ "Authentication-Results": pass }, spf)).toBe("not-authenticated");

    // Only the trusted server's header counts; one the sender wrote lower down does not.
    const trusted = policy({
      allow: {
        senders: ["example.test"],
        requireAuth: "dkim-or-spf",
        authServId: "mx.example.test",
      },
    });
    const forged = raw({ "Authentication-Results": "evil.test; dkim=pass header.d=example.test" });
    const v = classify(await parseMessage(forged, { maxBodyChars: 100 }), trusted);
    expect(v).toMatchObject({ accept: false, reason: "not-authenticated" });
    expect(await verdict({ "Authentication-Results": pass }, trusted)).toBe("accept");
  });

  it("filters notification-like mail by the default or configured patterns", async () => {
    expect(await verdict({ Subject: "Your verification code is 123456" })).toBe("notification");
    expect(await verdict({ Subject: "Security alert for your account" })).toBe("notification");
    const custom = policy({ filters: { notifications: ["^\\[jenkins\\]"] } });
    expect(await verdict({ Subject: "[Jenkins] build 12 broke" }, custom)).toBe("notification");
    expect(await verdict({ Subject: "Your verification code" }, custom)).toBe("accept");
  });

  it("skips mail with neither subject nor text, and malformed MIME", async () => {
    expect(await verdict({ Subject: "" }, policy(), "")).toBe("empty");
    expect(
      await verdict(
        { "Content-Type": 'multipart/mixed; boundary="x"' },
        policy(),
        "--y\r\n\r\nnothing\r\n--y--",
      ),
    ).toBe("malformed-mime");
  });
});
