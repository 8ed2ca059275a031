import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { Consumers, Streams, Subjects } from "@nightshift/contracts";

const CONSUMER_NOT_FOUND = 10014;

const DURABLES = [
  // Mail queued before the gateway first ran is still sent.
  {
    stream: Streams.outbox,
    name: Consumers.emailOutbox,
    filter: Subjects.outbox("email"),
    start: DeliverPolicy.All,
  },
  // Only state events. A new durable starts at new events (tasks that ended before the
  // gateway first ran get no reply); an existing one resumes where it stopped.
  {
    stream: Streams.events,
    name: Consumers.emailReplies,
    filter: Subjects.event("*", "state"),
    start: DeliverPolicy.New,
  },
] as const;

/**
 * The gateway's durable consumers, created or brought in line, read before write. Run by
 * `nightshift provision` (as an admin) and at start (where the gateway's own NATS user may
 * create only these two).
 */
export async function ensureGatewayConsumers(jsm: JetStreamManager): Promise<void> {
  for (const d of DURABLES) {
    const settings = {
      filter_subject: d.filter,
      ack_wait: nanos(60_000),
      max_ack_pending: 100,
    };
    let exists = true;
    try {
      await jsm.consumers.info(d.stream, d.name);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === CONSUMER_NOT_FOUND)) throw err;
      exists = false;
    }
    if (exists) {
      await jsm.consumers.update(d.stream, d.name, settings);
    } else {
      await jsm.consumers.add(d.stream, {
        durable_name: d.name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: d.start,
        max_deliver: -1,
        ...settings,
      });
    }
  }
}
