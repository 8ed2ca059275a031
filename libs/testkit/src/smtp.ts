import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { freePort } from "./ports.ts";

export interface CapturedMail {
  /** SMTP envelope: MAIL FROM and every RCPT TO. */
  from: string;
  to: string[];
  /** Whether the session was encrypted (implicit TLS or after STARTTLS). */
  secure: boolean;
  /** The message exactly as received (CRLF line ends). */
  raw: string;
  /** Header lines of the top-level header block, unfolded, keyed lower-case (repeats kept). */
  headers: Map<string, string[]>;
  /** The decoded text body (transfer encoding and charset undone). */
  text: string;
  /** The decoded subject. */
  subject: string;
  /** The user the client authenticated as, if it did. */
  user: string | undefined;
  receivedAt: number;
}

export interface TestSmtpOptions {
  /** TLS with this certificate and key: implicit, or by STARTTLS on the plain port. */
  tls?: { cert: string; key: string; starttls?: boolean };
  /** Require AUTH with this user and password. */
  auth?: { user: string; password: string };
}

export interface TestSmtp {
  host: string;
  port: number;
  /** Every accepted mail, in order. */
  mails: CapturedMail[];
  /** Rejects the next `count` messages at DATA with `code` (e.g. 451 temporary, 550 permanent). */
  rejectNext(count: number, code: number, message?: string): void;
  /** Messages rejected so far. */
  rejected(): number;
  dispose(): Promise<void>;
}

function headerBlock(raw: string): Map<string, string[]> {
  const end = raw.indexOf("\r\n\r\n");
  const block = (end === -1 ? raw : raw.slice(0, end)).replace(/\r\n[ \t]+/g, " ");
  const out = new Map<string, string[]>();
  for (const line of block.split("\r\n")) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    out.set(key, [...(out.get(key) ?? []), line.slice(i + 1).trim()]);
  }
  return out;
}

/**
 * A real SMTP server (nodemailer's smtp-server) on a random loopback port that keeps what
 * it receives, and can be told to refuse messages like a real server would.
 */
export async function startTestSmtp(opts: TestSmtpOptions = {}): Promise<TestSmtp> {
  const mails: CapturedMail[] = [];
  let rejectCount = 0;
  let rejectCode = 550;
  let rejectMessage = "rejected";
  let rejectedTotal = 0;
  const server = new SMTPServer({
    secure: opts.tls !== undefined && opts.tls.starttls !== true,
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    disabledCommands: opts.tls?.starttls === true ? [] : ["STARTTLS"],
    authOptional: opts.auth === undefined,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (opts.auth && (auth.username !== opts.auth.user || auth.password !== opts.auth.password)) {
        callback(new Error("Invalid username or password"));
        return;
      }
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (rejectCount > 0) {
          rejectCount--;
          rejectedTotal++;
          const err = Object.assign(new Error(rejectMessage), { responseCode: rejectCode });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        const from = session.envelope.mailFrom;
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              from: from === false ? "" : from.address,
              to: session.envelope.rcptTo.map((r) => r.address),
              secure: session.secure,
              raw,
              headers: headerBlock(raw),
              text: parsed.text ?? "",
              subject: parsed.subject ?? "",
              user: typeof session.user === "string" ? session.user : undefined,
              receivedAt: Date.now(),
            });
            callback(null, "queued");
          },
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  server.on("error", () => undefined);
  return {
    host: "127.0.0.1",
    port,
    mails,
    rejectNext(count, code, message = code >= 500 ? "mailbox unavailable" : "try again later") {
      rejectCount = count;
      rejectCode = code;
      rejectMessage = message;
    },
    rejected: () => rejectedTotal,
    dispose: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
