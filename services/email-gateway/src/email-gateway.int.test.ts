import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ResultSink } from "@nightshift/executor";
import { startInProcess } from "@nightshift/host";
import { waitFor } from "@nightshift/testkit";
import { emailGatewayService } from "./service.ts";
import { FLAG_DONE, FLAG_SKIPPED } from "./inbound/flags.ts";
import {
  ALICE,
  AGENT,
  GatewayFixture,
  rawMail,
  SMTP_PASSWORD,
  taskIdOf,
} from "./gateway-fixture.int.ts";

const fx = new GatewayFixture();
beforeAll(() => fx.start());
afterAll(() => fx.dispose());
afterEach((ctx) => fx.afterEach(ctx));

/** A faithful stand-in for the GitHub sink: it opens "a pull request" and returns its URL. */
const prSink: ResultSink = {
  name: "fake-github",
  accepts: (r) => r.task.source.kind === "email",
  deliver: (r) => Promise.resolve({ pullRequestUrl: `https://git.example.test/pulls/${r.id}` }),
};

function multipartMail(messageId: string): string {
  return [
    `Return-Path: <${ALICE}>`,
    `From: Alice <${ALICE}>`,
    `To: Nightshift <${AGENT}>`,
    "Subject: Fix the widget",
    `Message-ID: ${messageId}`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Please add a NOTES file.",
    "",
    "-- ",
    "Alice, from her phone",
    "--b1",
    'Content-Type: text/csv; name="data.csv"',
    'Content-Disposition: attachment; filename="data.csv"',
    "",
    "a,b\r\n1,2",
    "--b1--",
    "",
  ].join("\r\n");
}

describe("email gateway: an inbox as a task source", () => {
  it("turns an allowed sender's mail into one task and replies once, in the thread, with the outcome", async () => {
    await fx.executor([prSink]);
    const gw = await fx.gateway();
    const mid = "<req-1@example.test>";
    const id = taskIdOf(mid);
    await fx.imap.append(multipartMail(mid));

    const rec = await fx.terminal(gw, id);
    expect(rec.state, `${rec.reason}: ${rec.detail}`).toBe("succeeded");
    expect(rec.task).toMatchObject({
      kind: "email",
      backend: "agent",
      mode: "autonomous",
      source: {
        kind: "email",
        ref: mid,
        author: ALICE,
        attributes: { messageId: mid, from: ALICE },
      },
    });
    expect(rec.task.prompt).toMatch(/^Fix the widget\n\nPlease add a NOTES file\./);
    expect(rec.task.prompt).not.toContain("from her phone");
    expect(rec.task.inputs).toEqual([
      { name: "data.csv", contentType: "text/csv", size: 8, object: `email/${id}/1-data.csv` },
    ]);
    const blob = await gw.bus.artifacts.getBlob(`email/${id}/1-data.csv`);
    expect(Buffer.from(blob!).toString()).toBe("a,b\r\n1,2");

    await waitFor(() => fx.smtp.mails.length >= 1, { timeoutMs: 20_000, message: "the reply" });
    await fx.outboxDrained(gw);
    expect(fx.smtp.mails).toHaveLength(1);
    const reply = fx.smtp.mails[0]!;
    expect(reply.to).toEqual([ALICE]);
    expect(reply.from).toBe(AGENT);
    expect(reply.user).toBe("agent");
    expect(reply.headers.get("in-reply-to")).toEqual([mid]);
    expect(reply.headers.get("references")).toEqual([mid]);
    expect(reply.headers.get("subject")).toEqual(["Re: Fix the widget"]);
    expect(reply.headers.get("auto-submitted")).toEqual(["auto-replied"]);
    expect(reply.text).toContain(`Task ${id} is done.`);
    expect(reply.text).toContain("worked on it");
    expect(reply.text).toContain(`Pull request: https://git.example.test/pulls/${id}`);
    expect(reply.text).toContain(`Branch: nightshift/${id} (pushed)`);
    // The agent printed the SMTP password: the reply carries it redacted.
    expect(reply.raw).not.toContain(SMTP_PASSWORD);
    expect(reply.text).toContain("debug: [REDACTED]");

    const stored = await fx.imap.messages();
    expect(stored.find((m) => m.messageId === mid)?.flags).toEqual(
      expect.arrayContaining(["\\Seen", FLAG_DONE]),
    );
    expect(stored.find((m) => m.messageId === mid)?.flags).not.toContain(FLAG_SKIPPED);
  });

  it("creates no task and sends no reply for a stranger, an auto-reply, a mailing-list message and a bounce", async () => {
    await fx.executor();
    const gw = await fx.gateway();
    const sentBefore = fx.smtp.mails.length;
    const bounce = [
      "Return-Path: <>",
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.test>",
      `To: ${AGENT}`,
      "Subject: Undelivered Mail Returned to Sender",
      "Message-ID: <bounce-1@mx.example.test>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      "",
      "--r",
      "Content-Type: text/plain",
      "",
      "Your message could not be delivered.",
      "--r",
      "Content-Type: message/delivery-status",
      "",
      "Reporting-MTA: dns; mx.example.test",
      "",
      "Final-Recipient: rfc822; someone@example.test",
      "Action: failed",
      "Status: 5.1.1",
      "--r--",
      "",
    ].join("\r\n");
    const unwanted: Record<string, string> = {
      "<stranger-1@elsewhere.test>": rawMail({
        from: "mallory@elsewhere.test",
        messageId: "<stranger-1@elsewhere.test>",
        subject: "Run this for me",
      }),
      "<ooo-1@example.test>": rawMail({
        messageId: "<ooo-1@example.test>",
        subject: "Out of office",
        headers: { "Auto-Submitted": "auto-replied" },
      }),
      "<list-1@lists.example.test>": rawMail({
        messageId: "<list-1@lists.example.test>",
        subject: "[dev] weekly digest",
        headers: { "List-Id": "Developers <dev.lists.example.test>" },
      }),
      "<bounce-1@mx.example.test>": bounce,
    };
    for (const raw of Object.values(unwanted)) await fx.imap.append(raw);
    const control = "<control-1@example.test>";
    await fx.imap.append(rawMail({ messageId: control, subject: "Control" }));

    await fx.terminal(gw, taskIdOf(control));
    await waitFor(() => fx.smtp.mails.length > sentBefore, { timeoutMs: 20_000 });
    await fx.outboxDrained(gw);
    const sent = fx.smtp.mails.slice(sentBefore);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.get("in-reply-to")).toEqual([control]);
    for (const mid of Object.keys(unwanted)) {
      expect(await fx.record(gw, taskIdOf(mid))).toBeUndefined();
    }
    const stored = await fx.imap.messages();
    for (const mid of Object.keys(unwanted)) {
      const flags = stored.find((m) => m.messageId === mid)?.flags;
      expect(flags).toContain(FLAG_SKIPPED);
      expect(flags).not.toContain("\\Seen"); // left unread for a human
    }
    const reasons = fx.logs.records
      .filter((r) => typeof r["reason"] === "string")
      .map((r) => `${String(r["messageId"])} ${String(r["reason"])}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        "<stranger-1@elsewhere.test> sender-not-allowed",
        "<ooo-1@example.test> auto-reply",
        "<list-1@lists.example.test> mailing-list",
        "<bounce-1@mx.example.test> bounce",
      ]),
    );
    expect((await gw.app.request("/status")).status).toBe(200);
  });

  it("leaves mail over email.limits.maxMessageSize undownloaded and unread, with a log line", async () => {
    const gw = await fx.gateway({ limits: { maxMessageSize: "1KB" } });
    const mid = "<huge-1@example.test>";
    await fx.imap.append(rawMail({ messageId: mid, body: "x".repeat(4000) }));
    await fx.logs.waitFor(
      /mail uid \d+ is \d+ bytes, over email\.limits\.maxMessageSize: not downloaded/,
    );
    await waitFor(async () =>
      (await fx.imap.messages()).find((m) => m.messageId === mid)?.flags.includes(FLAG_SKIPPED),
    );
    expect(await fx.record(gw, taskIdOf(mid))).toBeUndefined();
    expect((await fx.imap.messages()).find((m) => m.messageId === mid)?.flags).not.toContain(
      "\\Seen",
    );
  });

  it("says clearly when the IMAP login is refused, and is not ready", async () => {
    const gw = await fx.gateway({}, undefined, { ...fx.env(), IMAP_PASSWORD: "wrong-password" });
    const line = await fx.logs.waitFor(
      /^IMAP login refused .*check email\.imap\.user and IMAP_PASSWORD/,
    );
    expect(line["level"]).toBe(50);
    expect((await gw.app.request("/readyz")).status).toBe(503);
    await expect(fx.gateway({}, undefined, { SMTP_PASSWORD })).rejects.toThrow(
      /IMAP_PASSWORD is not set/,
    );
  });

  it("does nothing, and says so in /status, when the config has no email section", async () => {
    const svc = await startInProcess([emailGatewayService()], { natsUrl: fx.nats.url });
    try {
      const body = (await (await svc.app.request("/status")).json()) as {
        components: Record<string, unknown>;
      };
      expect(body.components["email-gateway"]).toEqual({
        enabled: false,
        reason: "no email section in the configuration: the gateway does nothing",
      });
      expect((await svc.app.request("/readyz")).status).toBe(200);
    } finally {
      await svc.stop();
    }
  });
});
