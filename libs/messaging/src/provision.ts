import type { NatsConnection } from "@nats-io/transport-node";
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstreamManager,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import { nanos } from "@nats-io/nats-core";
import { Buckets, Consumers, ObjectStores, Streams, Subjects } from "@nightshift/contracts";
import type { NatsConfig } from "@nightshift/config";

const STREAM_NOT_FOUND = 10059;

/** Presence entries expire this long after an instance stopped refreshing them. */
export const PRESENCE_TTL_MS = 30_000;

/** Stream definitions derived from config; exported for tests and `status`. */
type NamedStreamConfig = Partial<StreamConfig> & { name: string };

export function streamConfigs(cfg: NatsConfig): NamedStreamConfig[] {
  const replicas = cfg.replicas;
  return [
    {
      name: Streams.tasks,
      subjects: [Subjects.tasksAll],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      num_replicas: replicas,
      max_msgs: cfg.tasksMaxMsgs,
      max_msg_size: 1 << 20,
      duplicate_window: nanos(cfg.dedupeWindow),
    },
    {
      name: Streams.events,
      subjects: [Subjects.eventsStream],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: replicas,
      max_age: nanos(cfg.eventsMaxAge),
      max_msg_size: 1 << 20,
      duplicate_window: nanos(120_000),
    },
    {
      name: Streams.dlq,
      subjects: [Subjects.dlqAll],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: replicas,
      max_age: nanos(cfg.dlqMaxAge),
      duplicate_window: nanos(cfg.dedupeWindow),
    },
    {
      name: Streams.outbox,
      subjects: [Subjects.outboxAll],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      num_replicas: replicas,
      duplicate_window: nanos(cfg.dedupeWindow),
    },
  ];
}

async function ensureStream(jsm: JetStreamManager, sc: NamedStreamConfig): Promise<void> {
  const name = sc.name;
  try {
    const info = await jsm.streams.info(name);
    const current = info.config as unknown as Record<string, unknown>;
    const wanted = sc as Record<string, unknown>;
    const differs = Object.keys(wanted).some(
      (k) => JSON.stringify(current[k]) !== JSON.stringify(wanted[k]),
    );
    if (differs) await jsm.streams.update(name, { ...info.config, ...sc });
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND) {
      await jsm.streams.add(sc);
      return;
    }
    throw err;
  }
}

/**
 * Creates or updates every stream, durable consumer, KV bucket and object store
 * nightshift uses. Safe to run from every service at every start, concurrently.
 */
export async function provision(nc: NatsConnection, cfg: NatsConfig): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const sc of streamConfigs(cfg)) await ensureStream(jsm, sc);
  // Tasks naked with a delay (repository busy, rate-limited) stay ack-pending while they
  // wait, so the limit must exceed the slots by far; slots themselves bound concurrency.
  await jsm.consumers
    .add(Streams.tasks, {
      durable_name: Consumers.executor,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(cfg.ackWait),
      max_deliver: -1,
      max_ack_pending: cfg.maxAckPending,
      max_waiting: 512,
    })
    .catch(async (err: unknown) => {
      // Already exists with other settings: bring it in line with the config.
      if (err instanceof JetStreamApiError) {
        await jsm.consumers.update(Streams.tasks, Consumers.executor, {
          ack_wait: nanos(cfg.ackWait),
          max_ack_pending: cfg.maxAckPending,
        });
        return;
      }
      throw err;
    });
  const kvm = new Kvm(nc);
  const base = { replicas: cfg.replicas, storage: StorageType.File, history: 1 } as const;
  await kvm.create(Buckets.tasks, { ...base });
  await kvm.create(Buckets.leases, { ...base, ttl: cfg.leaseTtl });
  await kvm.create(Buckets.cursors, { ...base });
  await kvm.create(Buckets.budgets, { ...base });
  await kvm.create(Buckets.control, { ...base });
  await kvm.create(Buckets.services, { ...base, ttl: PRESENCE_TTL_MS });
  // Kvm.create opens an existing bucket as it is; a changed lease TTL must be applied.
  await ensureStream(jsm, { name: `KV_${Buckets.leases}`, max_age: nanos(cfg.leaseTtl) });
  const objm = new Objm(nc);
  await objm.create(ObjectStores.artifacts, { replicas: cfg.replicas, storage: StorageType.File });
}
