import { z } from "zod";

/**
 * A mail to send, published on `outbox.email` by whoever wants one sent (the email
 * gateway's replies, the notifier's email channel) and delivered by the email gateway.
 * `Nats-Msg-Id` is `email-out:<id>`, so a retried publish sends once.
 */
export const EmailOutbound = z.strictObject({
  v: z.literal(1),
  id: z.string().min(1),
  kind: z.enum(["reply", "notification"]),
  to: z.array(z.string().min(3)).min(1),
  cc: z.array(z.string().min(3)).default([]),
  subject: z.string().min(1),
  text: z.string(),
  html: z.string().optional(),
  /** Message-ID of the mail this answers, and the thread's References. */
  inReplyTo: z.string().optional(),
  references: z.array(z.string()).default([]),
  taskId: z.string().optional(),
  createdAt: z.iso.datetime(),
});
export type EmailOutbound = z.infer<typeof EmailOutbound>;
/** An outbound mail as a producer writes it, before defaults are applied. */
export type EmailOutboundInput = z.input<typeof EmailOutbound>;
