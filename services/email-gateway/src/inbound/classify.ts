import type { EmailConfig } from "@nightshift/config";
import { isNoReply, normaliseAddress, onList, withoutTag } from "../addresses.ts";
import { authPasses } from "./auth-results.ts";
import { headerValues, type InboundMail } from "./parse-message.ts";

export type SkipReason =
  | "malformed-mime"
  | "no-sender"
  | "own-address"
  | "not-addressed-to-agent"
  | "bounce"
  | "auto-reply"
  | "bulk"
  | "mailing-list"
  | "no-reply-sender"
  | "sender-not-allowed"
  | "not-authenticated"
  | "notification"
  | "empty";

export type Verdict = { accept: true } | { accept: false; reason: SkipReason; detail: string };

/** The rules `classify` applies, derived once from the config. */
export interface IntakePolicy {
  own: string[];
  senders: readonly string[];
  requireAuth: EmailConfig["allow"]["requireAuth"];
  authServId: string | undefined;
  notifications: RegExp[];
}

export function intakePolicy(cfg: EmailConfig): IntakePolicy {
  return {
    own: [cfg.address, ...cfg.aliases].map(withoutTag),
    senders: cfg.allow.senders,
    requireAuth: cfg.allow.requireAuth,
    authServId: cfg.allow.authServId,
    notifications: cfg.filters.notifications.map((p) => new RegExp(p, "i")),
  };
}

const skip = (reason: SkipReason, detail: string): Verdict => ({ accept: false, reason, detail });

/** Why a mail is not work (first rule that applies), or that it is. */
export function classify(mail: InboundMail, policy: IntakePolicy): Verdict {
  if (mail.malformed) return skip("malformed-mime", "the MIME structure has no usable parts");
  const from = mail.from;
  if (from === undefined) return skip("no-sender", "no From address");
  const isOwn = (a: string): boolean => policy.own.includes(withoutTag(a));
  if (isOwn(from)) return skip("own-address", "sent from the agent's own address");
  if (!mail.to.some(isOwn)) {
    return skip(
      "not-addressed-to-agent",
      "the agent's address is not in To (Cc and Bcc are not work)",
    );
  }

  const returnPath = headerValues(mail, "return-path")[0];
  if (returnPath !== undefined && /^<\s*>$/.test(returnPath))
    return skip("bounce", "null return path (Return-Path: <>)");
  const local = normaliseAddress(from).split("@")[0] ?? "";
  if (/^(mailer-daemon|postmaster)$/i.test(local)) return skip("bounce", `sent by ${from}`);
  if (mail.isReport) return skip("bounce", "a delivery status or disposition report");
  if (headerValues(mail, "x-failed-recipients").length > 0)
    return skip("bounce", "X-Failed-Recipients is set");

  const autoSubmitted = headerValues(mail, "auto-submitted")[0];
  if (autoSubmitted !== undefined && autoSubmitted.split(";")[0]!.trim().toLowerCase() !== "no")
    return skip("auto-reply", `Auto-Submitted: ${autoSubmitted}`);
  for (const h of ["x-autoreply", "x-autorespond"]) {
    if (headerValues(mail, h).length > 0) return skip("auto-reply", `${h} is set`);
  }
  const precedence = (headerValues(mail, "precedence")[0] ?? "").trim().toLowerCase();
  if (precedence === "auto_reply") return skip("auto-reply", "Precedence: auto_reply");
  if (["bulk", "list", "junk"].includes(precedence))
    return skip("bulk", `Precedence: ${precedence}`);
  const listId = headerValues(mail, "list-id")[0];
  if (listId !== undefined) return skip("mailing-list", `List-Id: ${listId}`);
  if (isNoReply(from)) return skip("no-reply-sender", `${from} cannot receive replies`);

  if (!onList(from, policy.senders)) {
    return skip(
      "sender-not-allowed",
      policy.senders.length === 0
        ? `${from} is not allowed: email.allow.senders is empty, so nobody is`
        : `${from} is not on email.allow.senders`,
    );
  }
  const auth = authPasses(
    headerValues(mail, "authentication-results"),
    from,
    policy.requireAuth,
    policy.authServId,
  );
  if (!auth.pass) return skip("not-authenticated", auth.detail);

  const sample = `${mail.subject}\n${mail.text.slice(0, 2000)}`;
  const hit = policy.notifications.find((re) => re.test(sample));
  if (hit) return skip("notification", `matches the notification filter /${hit.source}/`);
  if (mail.subject === "" && mail.text === "") return skip("empty", "no subject and no text");
  return { accept: true };
}
