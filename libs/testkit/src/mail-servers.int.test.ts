import { createTransport } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestDovecot, type TestDovecot } from "./dovecot.ts";
import { processesMatching } from "./processes.ts";
import { startTestSmtp } from "./smtp.ts";

const mail = (id: string): string =>
  `From: alice@example.test\r\nTo: agent@example.test\r\nSubject: test ${id}\r\nMessage-ID: <${id}@example.test>\r\n\r\nhello\r\n`;

describe("test mail servers", () => {
  let imap: TestDovecot;
  beforeAll(async () => {
    imap = await startTestDovecot();
  });
  afterAll(async () => {
    await imap.dispose();
  });

  it("runs Dovecot with a test user; mail survives a restart; a re-created mailbox gets a new UIDVALIDITY", async () => {
    const first = await imap.append(mail("one"));
    expect(first.uid).toBe(1);
    const marker = `nightshift-test-${imap.port}/`;
    expect(processesMatching(marker).length).toBeGreaterThan(0);
    await imap.stop();
    expect(imap.pid()).toBeUndefined();
    expect(processesMatching(marker)).toEqual([]); // no child outlives the master
    await imap.deliverToMaildir(mail("offline"));
    await imap.start();
    const second = await imap.append(mail("two"));
    expect(second.uidValidity).toBe(first.uidValidity);
    const msgs = await imap.messages();
    expect(msgs.map((m) => m.messageId).sort()).toEqual([
      "<offline@example.test>",
      "<one@example.test>",
      "<two@example.test>",
    ]);

    await imap.createMailbox("Work");
    const a = await imap.append(mail("three"), "Work");
    await imap.recreateMailbox("Work");
    const b = await imap.append(mail("four"), "Work");
    expect(b.uidValidity).not.toBe(a.uidValidity);
    expect(b.uid).toBe(1);
  });

  it("captures what an SMTP client sends and refuses on request", async () => {
    const smtp = await startTestSmtp({ auth: { user: "bot", password: "pw-1234" } });
    try {
      const t = createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: false,
        ignoreTLS: true,
        auth: { user: "bot", pass: "pw-1234" },
      });
      await t.sendMail({ from: "bot@x.test", to: "alice@x.test", subject: "hi", text: "body" });
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]).toMatchObject({
        from: "bot@x.test",
        to: ["alice@x.test"],
        user: "bot",
      });
      expect(smtp.mails[0]!.headers.get("subject")).toEqual(["hi"]);
      smtp.rejectNext(1, 550);
      await expect(
        t.sendMail({ from: "bot@x.test", to: "alice@x.test", subject: "no", text: "x" }),
      ).rejects.toMatchObject({ responseCode: 550 });
      expect(smtp.rejected()).toBe(1);
      const bad = createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: false,
        ignoreTLS: true,
        auth: { user: "bot", pass: "wrong" },
      });
      await expect(
        bad.sendMail({ from: "bot@x.test", to: "a@x.test", subject: "x", text: "x" }),
      ).rejects.toMatchObject({ code: "EAUTH" });
      t.close();
      bad.close();
    } finally {
      await smtp.dispose();
    }
  });
});
