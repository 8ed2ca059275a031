import { EmailOutbound, Subjects, type EmailOutboundInput } from "@nightshift/contracts";
import { NightshiftError } from "@nightshift/errors";
import type { JetStreamClient } from "@nats-io/jetstream";

/**
 * Queues a mail on `outbox.email` for the email gateway to send. `Nats-Msg-Id` is
 * `email-out:<id>`, and the gateway records what it sent by `id`, so publishing the same
 * mail again (after a crash, a redelivered event) sends it once.
 */
export async function publishEmail(
  js: JetStreamClient,
  mail: EmailOutboundInput,
): Promise<{ seq: number; duplicate: boolean }> {
  const parsed = EmailOutbound.safeParse(mail);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(mail)"}: ${i.message}`,
    );
    throw new NightshiftError("INVALID_PAYLOAD", `invalid outbound mail: ${problems.join("; ")}`);
  }
  const ack = await js.publish(Subjects.outbox("email"), JSON.stringify(parsed.data), {
    msgID: `email-out:${parsed.data.id}`,
  });
  return { seq: ack.seq, duplicate: ack.duplicate };
}
