import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ResultSink } from "@nightshift/executor";
import { waitFor } from "@nightshift/testkit";
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
afterEach(() => fx.stopServices());

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
    "Please add a NOTES file. The token is ghp_abcdefghijklmnopqrstuvwxyz0123456789.",
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
    expect(rec.state).toBe("succeeded");
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
});
