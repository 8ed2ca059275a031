import { Buckets, Consumers, ObjectStores, Streams, Subjects } from "@nightshift/contracts";

type Bucket = (typeof Buckets)[keyof typeof Buckets];
type Stream = (typeof Streams)[keyof typeof Streams];
type Consumer = (typeof Consumers)[keyof typeof Consumers];
type ObjectStore = (typeof ObjectStores)[keyof typeof ObjectStores];
export type Access = "read" | "write";

/**
 * What one NATS user may do, in nightshift's own terms. `render.ts` turns it into NATS
 * subject permissions; the tests check the server enforces exactly this.
 */
export interface UserPolicy {
  /** Subjects it publishes into streams (`tasks.run.>`, `events.>` …). */
  publish: string[];
  /**
   * Durable pull consumers it takes messages from (and may create under that name); `filter`
   * is the part of a work-queue stream the consumer owns.
   */
  consume: { stream: Stream; consumer: Consumer; filter?: string }[];
  /** Streams it reads with ordered consumers or direct gets (event tails). */
  read: Stream[];
  /** Streams it deletes single messages from (a redriven dead letter). */
  remove?: Stream[];
  /** KV buckets: `write` includes reading. */
  kv: Partial<Record<Bucket, Access>>;
  objects: Partial<Record<ObjectStore, Access>>;
}

/** Task producers write the record, then the message, then a `queued` event (publishTask). */
const producer = {
  publish: [Subjects.tasksAll, Subjects.eventsStream],
  kv: { [Buckets.tasks]: "write" },
} as const;

/**
 * One user per service, named as the service. Anything not granted here is refused by the
 * server. The notifier cannot publish tasks; the email gateway cannot touch the budgets.
 */
export const SERVICE_POLICIES: Record<string, UserPolicy> = {
  scheduler: {
    publish: [...producer.publish],
    consume: [],
    read: [],
    kv: {
      ...producer.kv,
      [Buckets.leases]: "write",
      [Buckets.cursors]: "write",
      [Buckets.control]: "read",
      [Buckets.services]: "write",
    },
    objects: {},
  },
  poller: {
    // dead letters of the write-back consumer (a state event it cannot parse)
    publish: [...producer.publish, Subjects.dlqTasks("writeback")],
    consume: [{ stream: Streams.events, consumer: Consumers.pollerWriteback }],
    read: [],
    kv: {
      ...producer.kv,
      [Buckets.leases]: "write",
      [Buckets.cursors]: "write",
      [Buckets.control]: "read",
      [Buckets.services]: "write",
    },
    objects: {},
  },
  "email-gateway": {
    // Its own dead letters: outbox mail it cannot send, task events it cannot turn into replies.
    publish: [
      ...producer.publish,
      Subjects.outbox("email"),
      "dlq.outbox.email",
      "dlq.events.email-replies",
    ],
    consume: [
      { stream: Streams.outbox, consumer: Consumers.emailOutbox, filter: Subjects.outbox("email") },
      {
        stream: Streams.events,
        consumer: Consumers.emailReplies,
        filter: Subjects.event("*", "state"),
      },
    ],
    read: [Streams.events],
    kv: {
      ...producer.kv,
      // The inbox lease: one replica reads the mailbox.
      [Buckets.leases]: "write",
      [Buckets.cursors]: "write",
      [Buckets.control]: "write",
      [Buckets.services]: "write",
    },
    // Attachments become task inputs.
    objects: { [ObjectStores.artifacts]: "write" },
  },
  executor: {
    publish: [Subjects.eventsStream, Subjects.dlqAll],
    consume: [{ stream: Streams.tasks, consumer: Consumers.executor }],
    read: [],
    kv: {
      [Buckets.tasks]: "write",
      [Buckets.leases]: "write",
      [Buckets.budgets]: "write",
      [Buckets.control]: "read",
      [Buckets.services]: "write",
    },
    objects: { [ObjectStores.artifacts]: "write" },
  },
  notifier: {
    publish: [Subjects.outboxAll],
    consume: [
      { stream: Streams.events, consumer: Consumers.notifier },
      {
        stream: Streams.outbox,
        consumer: Consumers.webhookOutbox,
        filter: Subjects.outbox("webhook"),
      },
    ],
    read: [Streams.events],
    kv: {
      [Buckets.tasks]: "read",
      [Buckets.cursors]: "write",
      [Buckets.control]: "read",
      [Buckets.services]: "write",
      [Buckets.notifications]: "write",
    },
    objects: { [ObjectStores.artifacts]: "read" },
  },
  api: {
    // What an operator does through the HTTP API: submit, cancel, approve, pause, redrive,
    // read records, events, dead letters, schedules, spend and the services' presence.
    publish: [...producer.publish],
    consume: [],
    read: [Streams.events, Streams.dlq],
    remove: [Streams.dlq],
    kv: {
      ...producer.kv,
      [Buckets.control]: "write",
      [Buckets.cursors]: "read",
      [Buckets.budgets]: "read",
      [Buckets.services]: "write",
    },
    objects: { [ObjectStores.artifacts]: "read" },
  },
};

/**
 * The one user with every right: `nightshift provision` (creates and updates streams,
 * consumers and buckets), operators' CLI, backups. Never given to a service.
 */
export const ADMIN_USER = "admin";

/** `NATS_PASSWORD_EMAIL_GATEWAY` for `email-gateway`: where nats-server and the pods find passwords. */
export function passwordVariable(user: string): string {
  return `NATS_PASSWORD_${user.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}
