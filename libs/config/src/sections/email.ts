import { z } from "zod";
import { bytes } from "../bytes.ts";
import { duration } from "../duration.ts";

/** `tls`: TLS from the first byte; `starttls`: plain, then upgraded (required); `none`: plain text. */
export const MailSecurity = z.enum(["tls", "starttls", "none"]);
export type MailSecurity = z.infer<typeof MailSecurity>;

/** An address (`alice@example.com`) or a whole domain (`example.com`). */
const AddressOrDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^([^\s@<>]+@)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
    "must be an address (alice@example.com) or a domain (example.com)",
  );

const Pattern = z.string().refine(
  (p) => {
    try {
      new RegExp(p, "i");
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be a valid regular expression" },
);

const serverShape = {
  host: z.string().min(1),
  /** Defaults by security: 993/143 for IMAP, 465/587/25 for SMTP. */
  port: z.number().int().min(1).max(65535).optional(),
  security: MailSecurity.default("tls"),
  /** A PEM file of a CA to trust besides the system's (a self-signed server). */
  caFile: z.string().min(1).optional(),
};

function withPort<S extends { port?: number | undefined; security: MailSecurity }>(
  ports: Record<MailSecurity, number>,
): (s: S) => S & { port: number } {
  return (s) => ({ ...s, port: s.port ?? ports[s.security] });
}

/** IMAP_PASSWORD comes from the environment. */
export const ImapServerConfig = z
  .strictObject({
    ...serverShape,
    user: z.string().min(1),
    /** Backoff between reconnects after the connection dropped: doubles from min to max. */
    reconnectMin: duration().default(1_000),
    reconnectMax: duration().default(300_000),
    /** Look for new mail this often even when IDLE reported nothing (IDLE can go quiet). */
    pollInterval: duration().default(60_000),
  })
  .transform(withPort({ tls: 993, starttls: 143, none: 143 }));

/** SMTP_PASSWORD comes from the environment when `user` is set. */
export const SmtpServerConfig = z
  .strictObject({ ...serverShape, user: z.string().min(1).optional() })
  .transform(withPort({ tls: 465, starttls: 587, none: 25 }));

/** Mail that is notification-like rather than a request (matched against subject and body). */
export const DEFAULT_NOTIFICATION_PATTERNS = [
  "new (sign-?in|login)",
  "security alert",
  "verification code",
  "password reset",
  "account activity",
  "github.*notification",
  "accepted.*invit",
  "automated.*message",
];

export const EmailConfig = z.strictObject({
  /** The agent's own address: work arrives To it and replies go out From it. */
  address: z.email().toLowerCase(),
  /** Display name on outgoing mail. */
  name: z.string().min(1).default("nightshift"),
  /** Further addresses that count as the agent's own (mail To them is work too). */
  aliases: z.array(z.email().toLowerCase()).default([]),
  imap: ImapServerConfig,
  smtp: SmtpServerConfig,
  folders: z
    .strictObject({
      /** The mailbox watched for work. */
      inbox: z.string().min(1).default("INBOX"),
      /** Mail that became a task (or an approval) is moved here; unset, it stays flagged in place. */
      processed: z.string().min(1).optional(),
    })
    .default({ inbox: "INBOX" }),
  allow: z
    .strictObject({
      /** Who may send work. Empty means nobody: the gateway is closed until you list someone. */
      senders: z.array(AddressOrDomain).default([]),
      /** Who mail may be sent to. Empty means the same list as `senders`. */
      recipients: z.array(AddressOrDomain).default([]),
      /** Require a passing, aligned DKIM or SPF result in `Authentication-Results`. */
      requireAuth: z.enum(["none", "dkim", "spf", "dkim-or-spf"]).default("none"),
      /** Only trust `Authentication-Results` added by this server (its authserv-id). */
      authServId: z.string().min(1).optional(),
    })
    .default({ senders: [], recipients: [], requireAuth: "none" }),
  filters: z
    .strictObject({
      /** Regular expressions (case-insensitive) for notification-like mail that is not work. */
      notifications: z.array(Pattern).default(DEFAULT_NOTIFICATION_PATTERNS),
    })
    .default({ notifications: DEFAULT_NOTIFICATION_PATTERNS }),
  limits: z
    .strictObject({
      /** Larger messages are not downloaded; they are logged and left in the inbox. */
      maxMessageSize: bytes().default(40 * 1024 ** 2),
      /** Attachments larger than this are not kept as task inputs. */
      maxAttachmentSize: bytes().default(10 * 1024 ** 2),
      maxAttachments: z.number().int().min(0).default(10),
      /** The mail's text in the prompt is cut after this many characters. */
      maxBodyChars: z.number().int().min(100).default(20_000),
      /** Mails sent into one thread at most (a loop stopper). */
      repliesPerThread: z.number().int().min(1).default(10),
      /** Mails sent per minute at most; further ones wait. */
      sendPerMinute: z.number().int().min(1).default(20),
      /** Delivery attempts of an outgoing mail before it is dead-lettered. */
      sendAttempts: z.number().int().min(1).default(5),
    })
    .default({
      maxMessageSize: 40 * 1024 ** 2,
      maxAttachmentSize: 10 * 1024 ** 2,
      maxAttachments: 10,
      maxBodyChars: 20_000,
      repliesPerThread: 10,
      sendPerMinute: 20,
      sendAttempts: 5,
    }),
  /** What tasks made from mail look like. */
  task: z
    .strictObject({
      /** The repository tasks work on (a path or git URL); none when unset. */
      repo: z.string().min(1).optional(),
      base: z.string().min(1).optional(),
      backend: z.string().min(1).optional(),
      model: z.string().min(1).optional(),
      /** `supervised` tasks stop at checkpoints until "approve" or "reject" arrives. */
      mode: z.enum(["autonomous", "supervised"]).default("autonomous"),
      timeout: duration().optional(),
    })
    .default({ mode: "autonomous" }),
});
export type EmailConfig = z.infer<typeof EmailConfig>;
