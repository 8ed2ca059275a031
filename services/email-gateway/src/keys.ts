import { createHash } from "node:crypto";

/** A KV-key-safe digest of any string (Message-IDs hold characters keys may not). */
export function digest(value: string, length = 32): string {
  return createHash("sha256").update(value).digest("hex").slice(0, length);
}

/** Keys the gateway owns in the `cursors` bucket. */
export const EmailKeys = {
  /** UIDVALIDITY/UID position of one mailbox. */
  mailbox: (account: string, mailbox: string) =>
    `email.imap.${digest(`${account}\n${mailbox}`, 24)}`,
  /** Message-ID → thread (and the task it started). */
  message: (messageId: string) => `email.msg.${digest(messageId)}`,
  /** A thread: its root, its tasks, the replies sent into it. */
  thread: (threadKey: string) => `email.thread.${threadKey}`,
  /** Marker of a sent outbound mail, by its outbox id. */
  sent: (id: string) => `email.sent.${digest(id)}`,
} as const;

/** The lease name of one mailbox, so only one gateway replica reads it. */
export const inboxLeaseKey = (account: string, mailbox: string): string =>
  `email-inbox.${digest(`${account}\n${mailbox}`, 24)}`;
