import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  StorageType,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { nanos } from "@nats-io/nats-core";
import type { NatsConfig } from "@nightshift/config";
import { Buckets, Consumers, Streams, Subjects } from "@nightshift/contracts";
import type { KV, NatsConnection } from "@nightshift/messaging";

/** The events that can become notifications; output, tool calls and the like never do. */
export const NOTIFIER_SUBJECTS = [
  Subjects.event("*", "state"),
  Subjects.event("*", "round"),
  Subjects.escalationsAll,
];

const ACK_WAIT_MS = 30_000;
const CONSUMER_NOT_FOUND = 10014;

/**
 * The notifier's durable consumer on EVENTS. A new one starts with new events (no flood of
 * history); an existing one keeps its position and gets the current subjects and limits.
 */
export async function ensureNotifierConsumer(jsm: JetStreamManager): Promise<void> {
  const settings = {
    filter_subjects: NOTIFIER_SUBJECTS,
    ack_wait: nanos(ACK_WAIT_MS),
    max_ack_pending: 10_000,
  };
  let exists = true;
  try {
    await jsm.consumers.info(Streams.events, Consumers.notifier);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === CONSUMER_NOT_FOUND)) throw err;
    exists = false;
  }
  if (exists) {
    await jsm.consumers.update(Streams.events, Consumers.notifier, settings);
  } else {
    await jsm.consumers.add(Streams.events, {
      durable_name: Consumers.notifier,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      max_deliver: -1,
      ...settings,
    });
  }
}

/** Delivery and coalescing state; entries live as long as the events they are about. */
export function openNotificationsBucket(nc: NatsConnection, cfg: NatsConfig): Promise<KV> {
  return new Kvm(nc).create(Buckets.notifications, {
    replicas: cfg.replicas,
    storage: StorageType.File,
    history: 1,
    ttl: cfg.eventsMaxAge,
  });
}
