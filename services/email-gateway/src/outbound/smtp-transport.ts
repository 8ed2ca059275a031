import { readFileSync } from "node:fs";
import { createTransport } from "nodemailer";
import type { EmailConfig } from "@nightshift/config";
import { PermanentError, RetryableError } from "@nightshift/errors";
import type { ComposedMail } from "./compose-mail.ts";

export interface SmtpResult {
  accepted: string[];
  rejected: string[];
  response: string;
}

export interface SmtpSender {
  send(mail: ComposedMail): Promise<SmtpResult>;
  close(): void;
}

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * Maps a nodemailer failure to our error classes: a 5xx answer to the message is permanent
 * (the mail goes to the DLQ); 4xx answers, refused logins and connection trouble are retried
 * with backoff, because they heal (greylisting, a restarted server, a corrected password).
 */
export function mapSmtpError(thrown: unknown, retryDelayMs: number): Error {
  const err = (thrown instanceof Error ? thrown : new Error(String(thrown))) as NodemailerError;
  const answer = err.response ?? err.message;
  if (err.code === "EAUTH") {
    return new RetryableError(
      `SMTP login refused (${answer}): check email.smtp.user and SMTP_PASSWORD`,
      retryDelayMs,
      { cause: err },
    );
  }
  if (err.responseCode !== undefined && err.responseCode >= 500) {
    return new PermanentError("smtp-rejected", `the SMTP server refused the mail: ${answer}`, {
      cause: err,
    });
  }
  if (err.responseCode !== undefined && err.responseCode >= 400) {
    return new RetryableError(`the SMTP server deferred the mail: ${answer}`, retryDelayMs, {
      cause: err,
    });
  }
  return new RetryableError(`SMTP ${err.code ?? "error"}: ${err.message}`, retryDelayMs, {
    cause: err,
  });
}

/** The one place nodemailer is used. Connections are opened per mail (replies are rare). */
export function createSmtpSender(cfg: EmailConfig, password: string | undefined): SmtpSender {
  const smtp = cfg.smtp;
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === "tls",
    requireTLS: smtp.security === "starttls",
    ignoreTLS: smtp.security === "none",
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: password ?? "" } } : {}),
    ...(smtp.caFile !== undefined ? { tls: { ca: readFileSync(smtp.caFile) } } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    logger: false,
  });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: { name: mail.from.name, address: mail.from.address },
        to: mail.to,
        ...(mail.cc.length > 0 ? { cc: mail.cc } : {}),
        subject: mail.subject,
        text: mail.text,
        ...(mail.html !== undefined ? { html: mail.html } : {}),
        messageId: mail.messageId,
        ...(mail.inReplyTo !== undefined ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.references.length > 0 ? { references: mail.references } : {}),
        headers: mail.headers,
        // The envelope sender is the agent's address, so bounces come back to it (and are
        // then recognised as bounces, not work).
        envelope: { from: mail.from.address, to: [...mail.to, ...mail.cc] },
      });
      const list = (v: unknown): string[] =>
        Array.isArray(v)
          ? v.map((a) => (typeof a === "string" ? a : String((a as { address?: string }).address)))
          : [];
      return {
        accepted: list(info.accepted),
        rejected: list(info.rejected),
        response: String(info.response),
      };
    },
    close: () => transport.close(),
  };
}
