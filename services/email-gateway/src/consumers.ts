import { AckPolicy, DeliverPolicy, JetStreamApiError } from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { Consumers, Streams, Subjects } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";

/** Durable consumers the gateway reads; created (or brought in line) at every start. */
export async function ensureGatewayConsumers(bus: Bus): Promise<void> {
  const specs = [
    {
      stream: Streams.outbox,
      config: {
        durable_name: Consumers.emailOutbox,
        filter_subject: Subjects.outbox("email"),
        ack_policy: AckPolicy.Explicit,
        ack_wait: nanos(60_000),
        max_deliver: -1,
        max_ack_pending: 100,
      },
    },
    {
      // Only state events; a new durable starts at new events (tasks that ended before the
      // gateway first ran get no reply), an existing one resumes where it stopped.
      stream: Streams.events,
      config: {
        durable_name: Consumers.emailReplies,
        filter_subject: Subjects.event("*", "state"),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        ack_wait: nanos(60_000),
        max_deliver: -1,
        max_ack_pending: 100,
      },
    },
  ];
  for (const { stream, config } of specs) {
    try {
      await bus.jsm.consumers.add(stream, config);
    } catch (err) {
      if (!(err instanceof JetStreamApiError)) throw err;
      // Exists with other settings: update what may change (not where delivery starts).
      await bus.jsm.consumers.update(stream, config.durable_name, {
        ack_wait: config.ack_wait,
        max_ack_pending: config.max_ack_pending,
        filter_subject: config.filter_subject,
      });
    }
  }
}
