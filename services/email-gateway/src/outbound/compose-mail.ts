import type { EmailConfig } from "@nightshift/config";
import type { EmailOutbound } from "@nightshift/contracts";
import { redactText } from "@nightshift/runtime";
import { domainOf, normaliseAddress } from "../addresses.ts";
import { capReferences, normaliseMessageId, oneLine } from "../headers.ts";
import { digest } from "../keys.ts";

/** A mail ready for SMTP: every header value single-line, every text redacted. */
export interface ComposedMail {
  from: { name: string; address: string };
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string | undefined;
  messageId: string;
  inReplyTo: string | undefined;
  references: string[];
  headers: Record<string, string>;
}

/** The Message-ID of an outbound mail: fixed per outbox id, so a resend is recognisable. */
export function outboundMessageId(id: string, address: string): string {
  return `<nightshift.${digest(id, 24)}@${domainOf(address) || "nightshift.invalid"}>`;
}

/**
 * Builds the mail for an outbox entry. Loop protection goes in the headers
 * (`Auto-Submitted`, `X-Auto-Response-Suppress`, so vacation responders stay quiet), and
 * known secrets and token shapes are removed from subject and bodies.
 */
export function composeMail(
  mail: EmailOutbound,
  cfg: EmailConfig,
  secrets: readonly string[],
): ComposedMail {
  const redact = (t: string): string => redactText(t, secrets);
  const references = capReferences(
    mail.references.map(normaliseMessageId).filter((r): r is string => r !== undefined),
  );
  const inReplyTo = normaliseMessageId(mail.inReplyTo);
  const headers: Record<string, string> = {
    "Auto-Submitted": mail.kind === "reply" ? "auto-replied" : "auto-generated",
    "X-Auto-Response-Suppress": "All",
  };
  if (mail.taskId !== undefined) headers["X-Nightshift-Task"] = oneLine(mail.taskId, 80);
  return {
    from: { name: oneLine(cfg.name, 100), address: cfg.address },
    to: mail.to.map(normaliseAddress),
    cc: mail.cc.map(normaliseAddress),
    subject: redact(oneLine(mail.subject, 250)),
    text: redact(mail.text),
    html: mail.html !== undefined ? redact(mail.html) : undefined,
    messageId: outboundMessageId(mail.id, cfg.address),
    inReplyTo,
    references,
    headers,
  };
}
