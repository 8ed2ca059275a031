import type { Bus } from "@nightshift/messaging";
import { findDovecot, startTestDovecot, startTestSmtp } from "@nightshift/testkit";
import { startService } from "./services.ts";
import { sampleUntilTasks, type UnderLoad } from "./until-tasks.ts";

const AGENT = "agent@bench.test";
const SMTP_USER = "agent";
const SMTP_PASSWORD = "bench-smtp-secret";

/**
 * Mail number `i` as an MTA stores it: plain text from one of ten allowed senders, every
 * tenth with a small CSV attachment (kept as a task input in the object store).
 */
export function benchMail(i: number): string {
  const head = [
    `Return-Path: <user${i % 10}@bench.test>`,
    `From: User ${i % 10} <user${i % 10}@bench.test>`,
    `To: ${AGENT}`,
    `Subject: Fix bug ${i}`,
    "Date: Sat, 21 Nov 2026 09:00:00 +0000",
    `Message-ID: <bench-${i}@bench.test>`,
    "MIME-Version: 1.0",
  ];
  const text = `Please fix bug ${i}.\r\n\r\nSteps: open the app, click the button.\r\nExpected: it works.\r\n`;
  if (i % 10 !== 0)
    return [...head, "Content-Type: text/plain; charset=utf-8", "", text].join("\r\n");
  const csv = Array.from({ length: 100 }, (_, r) => `${r},${r * i},row ${r}`).join("\r\n");
  return [
    ...head,
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=utf-8",
    "",
    text,
    "--b1",
    'Content-Type: text/csv; name="data.csv"',
    'Content-Disposition: attachment; filename="data.csv"',
    "",
    csv,
    "--b1--",
    "",
  ].join("\r\n");
}

/**
 * The email gateway's largest RSS while `mails` arrive at once in a real Dovecot inbox and
 * it turns them into tasks on `bus`'s server (where no executor runs): sampled until every
 * task exists, or for `timeoutMs`. Without Dovecot installed, says why it was not measured.
 */
export async function emailGatewayUnderLoad(
  url: string,
  bus: Bus,
  mails: number,
  timeoutMs = 25_000,
): Promise<UnderLoad | { notMeasured: string }> {
  try {
    findDovecot(process.env);
  } catch (err) {
    return { notMeasured: err instanceof Error ? err.message : String(err) };
  }
  const [imap, smtp] = await Promise.all([
    startTestDovecot({ user: AGENT }),
    startTestSmtp({ auth: { user: SMTP_USER, password: SMTP_PASSWORD } }),
  ]);
  try {
    const config = {
      email: {
        address: AGENT,
        imap: { host: "127.0.0.1", port: imap.port, security: "none", user: imap.user },
        smtp: { host: "127.0.0.1", port: smtp.port, security: "none", user: SMTP_USER },
        allow: { senders: ["bench.test"] },
      },
    };
    const w = await startService("email-gateway", url, config, {
      IMAP_PASSWORD: imap.password,
      SMTP_PASSWORD,
    });
    try {
      // Delivered while sampling: the gateway hears of them by IDLE, as mail arrives.
      return await sampleUntilTasks(
        w.child.pid ?? 0,
        bus,
        { prefix: "email", expected: mails, timeoutMs, afterMs: 0 },
        async () => {
          for (let i = 0; i < mails; i++) await imap.deliverToMaildir(benchMail(i));
        },
      );
    } finally {
      await w.stop();
    }
  } finally {
    await Promise.all([imap.dispose(), smtp.dispose()]);
  }
}
