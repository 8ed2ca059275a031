import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@nightshift/testkit";
import { FLAG_DONE, FLAG_SKIPPED } from "./inbound/flags.ts";
import { ALICE, AGENT, GatewayFixture, rawMail, taskIdOf } from "./gateway-fixture.int.ts";

const fx = new GatewayFixture();
beforeAll(() => fx.start());
afterAll(() => fx.dispose());
afterEach((ctx) => fx.afterEach(ctx));

describe("email gateway: bad input", () => {
  it("handles malformed MIME, a 20 MB attachment, other charsets, a missing Message-ID and CRLF in a subject with a log line each, and keeps running", async () => {
    await fx.executor();
    const gw = await fx.gateway();
    const sentBefore = fx.smtp.mails.length;

    const malformed = [
      `From: ${ALICE}`,
      `To: ${AGENT}`,
      "Subject: broken",
      "Message-ID: <malformed-1@example.test>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="never-used"',
      "this header line has no colon",
      "",
      "--another-boundary",
      "Content-Type: text/plain",
      "Content-Transfer-Encoding: base64",
      "",
      "!!! not base64 @@@",
      "--another-boundary--",
      "",
    ].join("\r\n");
    const big = Buffer.alloc(20 * 1024 * 1024, 0x5a)
      .toString("base64")
      .replace(/(.{76})/g, "$1\r\n");
    const bigMail = [
      `From: ${ALICE}`,
      `To: ${AGENT}`,
      "Subject: Here is the dump",
      "Message-ID: <big-1@example.test>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain",
      "",
      "Look at the attached dump.",
      "--b",
      "Content-Type: application/octet-stream",
      'Content-Disposition: attachment; filename="dump.bin"',
      "Content-Transfer-Encoding: base64",
      "",
      big,
      "--b--",
      "",
    ].join("\r\n");
    const latin1 = Buffer.concat([
      Buffer.from(
        [
          `From: ${ALICE}`,
          `To: ${AGENT}`,
          "Subject: =?ISO-8859-1?Q?Gr=FC=DFe?=",
          "Message-ID: <latin1-1@example.test>",
          "MIME-Version: 1.0",
          "Content-Type: text/plain; charset=ISO-8859-1",
          "Content-Transfer-Encoding: 8bit",
          "",
          "",
        ].join("\r\n"),
      ),
      Buffer.from("Schöne Grüße aus Köln\r\n", "latin1"),
    ]);
    const unknownCharset = Buffer.concat([
      Buffer.from(
        [
          `From: ${ALICE}`,
          `To: ${AGENT}`,
          "Subject: strange bytes",
          "Message-ID: <klingon-1@example.test>",
          "Content-Type: text/plain; charset=x-klingon-9",
          "Content-Transfer-Encoding: 8bit",
          "",
          "",
        ].join("\r\n"),
      ),
      Buffer.from("qapla\xe9 \xff\xfe\r\n", "latin1"),
    ]);
    const noId = rawMail({ messageId: null, subject: "No id here", body: "Do it anyway." });
    const crlfSubject = `=?UTF-8?B?${Buffer.from("Hello\r\nBcc: victim@evil.test").toString("base64")}?=`;
    const injected = rawMail({ messageId: "<crlf-1@example.test>", subject: crlfSubject });

    await fx.imap.append(malformed);
    await fx.imap.append(bigMail);
    await fx.imap.append(latin1);
    await fx.imap.append(unknownCharset);
    await fx.imap.append(noId);
    await fx.imap.append(noId); // the same mail twice: one task
    await fx.imap.append(injected);

    await fx.logs.waitFor(/malformed MIME: a multipart\/mixed body without parts/);
    expect(await fx.record(gw, taskIdOf("<malformed-1@example.test>"))).toBeUndefined();

    const bigTask = await fx.terminal(gw, taskIdOf("<big-1@example.test>"), 60_000);
    expect(bigTask.task.inputs).toEqual([]);
    expect(bigTask.task.prompt).toContain(
      "dump.bin (20.0 MB) is over the 10.0 MB attachment limit",
    );
    await fx.logs.waitFor(/attachment not kept: dump\.bin \(20\.0 MB\)/);

    const latinTask = await fx.terminal(gw, taskIdOf("<latin1-1@example.test>"));
    expect(latinTask.task.source.snapshot?.title).toBe("Grüße");
    expect(latinTask.task.prompt).toContain("Schöne Grüße aus Köln");
    await fx.logs.waitFor(/unknown charset "x-klingon-9"/);
    expect(await fx.terminal(gw, taskIdOf("<klingon-1@example.test>"))).toBeDefined();

    await fx.logs.waitFor(/no Message-ID: using <[0-9a-f]{40}@nightshift\.invalid>/);
    const crlf = await fx.terminal(gw, taskIdOf("<crlf-1@example.test>"));
    expect(crlf.task.source.snapshot?.title).toBe("Hello Bcc: victim@evil.test");
    await fx.logs.waitFor(/the subject contained line breaks; they were removed/);

    const records = await Promise.all(
      (await fx.emailTasks(gw)).map(async (id) => (await fx.record(gw, id))!),
    );
    const synthetic = records.filter((r) => r.task.source.ref?.endsWith("@nightshift.invalid>"));
    expect(synthetic).toHaveLength(1);
    await fx.terminal(gw, synthetic[0]!.id);

    // Replies: one per task, none to anyone else, and no header smuggled in.
    await waitFor(() => fx.smtp.mails.length >= sentBefore + 5, { timeoutMs: 30_000 });
    await fx.outboxDrained(gw);
    const sent = fx.smtp.mails.slice(sentBefore);
    expect(sent).toHaveLength(5);
    for (const m of sent) expect(m.to).toEqual([ALICE]);
    const crlfReply = sent.find(
      (m) => m.headers.get("in-reply-to")?.[0] === "<crlf-1@example.test>",
    );
    expect(crlfReply?.subject).toBe("Re: Hello Bcc: victim@evil.test");
    expect(crlfReply?.headers.has("bcc")).toBe(false);

    const ready = await gw.app.request("/readyz");
    expect(ready.status).toBe(200);
    const stored = await fx.imap.messages();
    expect(stored.every((m) => m.flags.includes(FLAG_DONE) || m.flags.includes(FLAG_SKIPPED))).toBe(
      true,
    );
  });
});
