import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { listDeadLetters } from "@nightshift/client";
import { parseConfig } from "@nightshift/config";
import { Consumers, Streams, Subjects, type EmailOutboundInput } from "@nightshift/contracts";
import { publishEmail } from "@nightshift/messaging";
import { waitFor } from "@nightshift/testkit";
import { ALICE, GatewayFixture, SMTP_PASSWORD } from "./gateway-fixture.int.ts";
import { emailGatewayService } from "./service.ts";

// The outbox as the notifier uses it: publishEmail on outbox.email, delivered by the gateway.
const fx = new GatewayFixture();
beforeAll(() => fx.start());
afterAll(() => fx.dispose());
afterEach((ctx) => fx.afterEach(ctx));

let n = 0;
function mail(extra: Partial<EmailOutboundInput> = {}): EmailOutboundInput {
  n++;
  return {
    v: 1,
    id: `note-${n}-${Date.now()}`,
    kind: "notification",
    to: [ALICE],
    subject: `Notification ${n}`,
    text: `Body ${n}`,
    createdAt: new Date().toISOString(),
    ...extra,
  };
}

describe("email outbox", () => {
  it("sends notifier mail: redacted, one-line subject, auto-generated, threaded when asked", async () => {
    await fx.gateway();
    const bus = await fx.bus();
    const before = fx.smtp.mails.length;
    await publishEmail(
      bus.js,
      mail({
        subject: "Build failed\r\nBcc: victim@evil.test",
        text: `The deploy key is ${SMTP_PASSWORD} and the token ghp_0123456789abcdefghijABCDEFGHIJ0123.`,
        html: `<p>token ghp_0123456789abcdefghijABCDEFGHIJ0123</p>`,
        inReplyTo: "<thread-root@example.test>",
        references: ["<thread-root@example.test>"],
        taskId: "t-123",
      }),
    );
    const sent = await waitFor(() => fx.smtp.mails[before], { message: "the notification" });
    expect(sent.to).toEqual([ALICE]);
    expect(sent.subject).toBe("Build failed Bcc: victim@evil.test");
    expect(sent.headers.has("bcc")).toBe(false);
    expect(sent.headers.get("auto-submitted")).toEqual(["auto-generated"]);
    expect(sent.headers.get("x-auto-response-suppress")).toEqual(["All"]);
    expect(sent.headers.get("x-nightshift-task")).toEqual(["t-123"]);
    expect(sent.headers.get("in-reply-to")).toEqual(["<thread-root@example.test>"]);
    expect(sent.raw).not.toContain(SMTP_PASSWORD);
    expect(sent.raw).not.toContain("ghp_0123456789");
    expect(sent.text).toContain("The deploy key is [REDACTED] and the token [REDACTED].");
  });

  it("does not send to recipients off the allowlist", async () => {
    const gw = await fx.gateway({ allow: { senders: [ALICE], recipients: ["ops.example.test"] } });
    const bus = await fx.bus();
    const before = fx.smtp.mails.length;
    await publishEmail(bus.js, mail({ to: [ALICE] })); // a sender, but not a listed recipient
    await publishEmail(bus.js, mail({ to: ["pager@ops.example.test"] }));
    await waitFor(() => fx.smtp.mails.length > before, { message: "the allowed mail" });
    await fx.outboxDrained(gw);
    expect(fx.smtp.mails.slice(before).map((m) => m.to)).toEqual([["pager@ops.example.test"]]);
    expect(
      fx.logs.find(/not sending to alice@example\.test: not on email\.allow\.recipients/),
    ).toBeDefined();
  });

  it("retries a temporary SMTP refusal through JetStream and sends once", async () => {
    const gw = await fx.gateway();
    const bus = await fx.bus();
    const before = fx.smtp.mails.length;
    fx.smtp.rejectNext(2, 451, "greylisted, try again later");
    const m = mail();
    await publishEmail(bus.js, m);
    await waitFor(() => fx.smtp.mails.length > before, { timeoutMs: 20_000, message: "delivery" });
    await fx.outboxDrained(gw);
    expect(fx.smtp.rejected()).toBeGreaterThanOrEqual(2);
    expect(fx.smtp.mails.slice(before)).toHaveLength(1);
    const retries = fx.logs.records.filter(
      (r) => r["outId"] === m.id && /deferred the mail.*retrying/.test(String(r["msg"])),
    );
    expect(retries).toHaveLength(2);
  });

  it("dead-letters a permanent refusal and an invalid entry", async () => {
    const gw = await fx.gateway();
    const bus = await fx.bus();
    const before = fx.smtp.mails.length;
    fx.smtp.rejectNext(1, 550, "mailbox unavailable");
    const refused = mail();
    await publishEmail(bus.js, refused);
    await bus.js.publish(Subjects.outbox("email"), JSON.stringify({ v: 1, id: "broken" }));
    await waitFor(
      async () =>
        (await listDeadLetters(bus)).filter((d) => d.subject === "dlq.outbox.email").length === 2,
      { timeoutMs: 20_000, message: "two dead letters" },
    );
    const letters = (await listDeadLetters(bus)).filter((d) => d.subject === "dlq.outbox.email");
    expect(letters.map((l) => l.reason).sort()).toEqual(["invalid-payload", "smtp-rejected"]);
    expect(letters.find((l) => l.reason === "smtp-rejected")?.detail).toMatch(
      /550 mailbox unavailable/,
    );
    await fx.outboxDrained(gw);
    expect(fx.smtp.mails.length).toBe(before);
  });

  it("dead-letters a mail still refused after email.limits.sendAttempts", async () => {
    const gw = await fx.gateway({ limits: { sendAttempts: 2 } });
    const bus = await fx.bus();
    const before = fx.smtp.mails.length;
    fx.smtp.rejectNext(10, 421, "service not available");
    const m = mail();
    await publishEmail(bus.js, m);
    const letter = await waitFor(
      async () => (await listDeadLetters(bus)).find((d) => d.reason === "max-deliveries"),
      { timeoutMs: 20_000, message: "the dead letter" },
    );
    expect(letter).toMatchObject({ subject: "dlq.outbox.email", deliveries: 2 });
    expect(letter.detail).toMatch(
      /gave up after 2 deliveries; last error: the SMTP server deferred the mail: 421/,
    );
    await fx.outboxDrained(gw);
    fx.smtp.rejectNext(0, 421);
    expect(fx.smtp.mails.length).toBe(before);
  });

  it("sends an entry that is delivered again only once", async () => {
    const gw = await fx.gateway();
    const bus = await fx.bus();
    const before = fx.smtp.mails.length;
    const m = mail();
    await publishEmail(bus.js, m);
    await waitFor(() => fx.smtp.mails.length > before, { message: "the first delivery" });
    // The same entry again, past the stream's dedupe (another Nats-Msg-Id), as after a
    // producer's retry hours later.
    await bus.js.publish(Subjects.outbox("email"), JSON.stringify({ ...m, cc: [] }), {
      msgID: `again-${m.id}`,
    });
    await fx.logs.waitFor(/mail already sent: redelivery acknowledged/);
    await fx.outboxDrained(gw);
    expect(fx.smtp.mails.slice(before)).toHaveLength(1);
  });

  it("keeps to the send rate limit", async () => {
    const gw = await fx.gateway({ limits: { sendPerMinute: 2 } });
    const bus = await fx.bus();
    const before = fx.smtp.mails.length;
    for (let i = 0; i < 3; i++) await publishEmail(bus.js, mail());
    await fx.logs.waitFor(/send rate limit reached \(2 per minute\): waiting \d+ ms/);
    expect(fx.smtp.mails.length - before).toBe(2);
    const status = (await (await gw.app.request("/status")).json()) as {
      components: { "email-gateway": { outbound: Record<string, number> } };
    };
    expect(status.components["email-gateway"].outbound["sent"]).toBe(2);
  });

  it("provisions its two durable consumers for `nightshift provision`, and mail queued before them is sent", async () => {
    const bus = await fx.bus();
    for (const [stream, name] of [
      [Streams.outbox, Consumers.emailOutbox],
      [Streams.events, Consumers.emailReplies],
    ] as const) {
      await bus.jsm.consumers.delete(stream, name).catch(() => undefined);
    }
    const before = fx.smtp.mails.length;
    const early = mail({ subject: "queued before the gateway existed" });
    await publishEmail(bus.js, early);
    const { config } = parseConfig(fx.config(), fx.env());
    await emailGatewayService().provision!({ nc: bus.nc, config });
    const outbox = await bus.jsm.consumers.info(Streams.outbox, Consumers.emailOutbox);
    expect(outbox.config).toMatchObject({ filter_subject: "outbox.email", deliver_policy: "all" });
    const replies = await bus.jsm.consumers.info(Streams.events, Consumers.emailReplies);
    expect(replies.config).toMatchObject({
      filter_subject: "events.task.*.state",
      deliver_policy: "new",
    });
    await fx.gateway();
    const sent = await waitFor(
      () => fx.smtp.mails.slice(before).find((m) => m.subject === early.subject),
      { timeoutMs: 20_000, message: "the early mail" },
    );
    expect(sent.to).toEqual([ALICE]);
  });
});
