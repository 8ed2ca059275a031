import type { NatsConnection } from "@nats-io/transport-node";
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstreamManager,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import { nanos, PermissionViolationError } from "@nats-io/nats-core";
import { Buckets, Consumers, ObjectStores, Streams, Subjects } from "@nightshift/contracts";
import type { NatsConfig } from "@nightshift/config";
import { NightshiftError } from "@nightshift/errors";

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

/** What `provision` did, by stream, consumer, bucket or object store (`stream TASKS`, …). */
export interface ProvisionReport {
  created: string[];
  updated: string[];
  unchanged: string[];
}

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

type Action = "created" | "updated" | "unchanged";

function differs(current: object, wanted: object): boolean {
  const c = current as Record<string, unknown>;
  return Object.entries(wanted).some(([k, v]) => JSON.stringify(c[k]) !== JSON.stringify(v));
}

function notFound(code: number): (err: unknown) => undefined {
  return (err) => {
    if (err instanceof JetStreamApiError && err.code === code) return undefined;
    throw err;
  };
}

/** Reads first and writes only what is missing or differs, so use-only users pass when up to date. */
async function ensureStream(jsm: JetStreamManager, sc: NamedStreamConfig): Promise<Action> {
  const info = await jsm.streams.info(sc.name).catch(notFound(STREAM_NOT_FOUND));
  if (info === undefined) {
    await jsm.streams.add(sc);
    return "created";
  }
  if (!differs(info.config, sc)) return "unchanged";
  await jsm.streams.update(sc.name, { ...info.config, ...sc });
  return "updated";
}

async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  cc: Partial<ConsumerConfig> & { durable_name: string },
  mutable: (keyof ConsumerConfig)[],
): Promise<Action> {
  const info = await jsm.consumers
    .info(stream, cc.durable_name)
    .catch(notFound(CONSUMER_NOT_FOUND));
  if (info === undefined) {
    await jsm.consumers.add(stream, cc);
    return "created";
  }
  const wanted = Object.fromEntries(mutable.map((k) => [k, cc[k]]));
  if (!differs(info.config, wanted)) return "unchanged";
  await jsm.consumers.update(stream, cc.durable_name, wanted);
  return "updated";
}

async function ensureKv(
  nc: NatsConnection,
  jsm: JetStreamManager,
  name: string,
  opts: { replicas: number; ttl?: number },
): Promise<Action> {
  const stream = `KV_${name}`;
  const info = await jsm.streams.info(stream).catch(notFound(STREAM_NOT_FOUND));
  if (info === undefined) {
    await new Kvm(nc).create(name, {
      replicas: opts.replicas,
      storage: StorageType.File,
      history: 1,
      ...(opts.ttl !== undefined ? { ttl: opts.ttl } : {}),
    });
    return "created";
  }
  // A bucket's TTL is its stream's max age; a changed lease TTL must be applied.
  if (opts.ttl === undefined) return "unchanged";
  return ensureStream(jsm, { name: stream, max_age: nanos(opts.ttl) });
}

async function ensureObjectStore(
  nc: NatsConnection,
  jsm: JetStreamManager,
  name: string,
  replicas: number,
): Promise<Action> {
  const info = await jsm.streams.info(`OBJ_${name}`).catch(notFound(STREAM_NOT_FOUND));
  if (info !== undefined) return "unchanged";
  await new Objm(nc).create(name, { replicas, storage: StorageType.File });
  return "created";
}

/** Turns a permissions violation into the one thing to do about it. */
function explainPermission(err: unknown): unknown {
  let pv: unknown = err;
  while (pv instanceof Error && !(pv instanceof PermissionViolationError)) pv = pv.cause;
  if (!(pv instanceof PermissionViolationError)) return err;
  return new NightshiftError(
    "NATS_PERMISSION",
    `this NATS user may not ${pv.operation} "${pv.subject}": streams, consumers or buckets ` +
      "are missing or differ from the config, and only a user with JetStream admin rights may " +
      "change them; run `nightshift provision` as that user (see deploy/README.md)",
    { cause: err },
  );
}

/**
 * Creates or updates every stream, durable consumer, KV bucket and object store
 * nightshift uses. Safe to run from every service at every start, concurrently. It reads
 * before it writes, so a NATS user with use-only rights passes when everything is already
 * provisioned (by `nightshift provision`) and fails with NATS_PERMISSION otherwise.
 */
export async function provision(nc: NatsConnection, cfg: NatsConfig): Promise<ProvisionReport> {
  const report: ProvisionReport = { created: [], updated: [], unchanged: [] };
  const note = (what: string) => (action: Action) => void report[action].push(what);
  const replicas = cfg.replicas;
  try {
    const jsm = await jetstreamManager(nc);
    for (const sc of streamConfigs(cfg))
      await ensureStream(jsm, sc).then(note(`stream ${sc.name}`));
    // Tasks naked with a delay (repository busy, rate-limited) stay ack-pending while they
    // wait, so the limit must exceed the slots by far; slots themselves bound concurrency.
    await ensureConsumer(
      jsm,
      Streams.tasks,
      {
        durable_name: Consumers.executor,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(cfg.ackWait),
        max_deliver: -1,
        max_ack_pending: cfg.maxAckPending,
        max_waiting: 512,
      },
      ["ack_wait", "max_ack_pending"],
    ).then(note(`consumer ${Streams.tasks}/${Consumers.executor}`));
    const buckets: [string, number | undefined][] = [
      [Buckets.tasks, undefined],
      [Buckets.leases, cfg.leaseTtl],
      [Buckets.cursors, undefined],
      [Buckets.budgets, undefined],
      [Buckets.control, undefined],
      [Buckets.services, PRESENCE_TTL_MS],
    ];
    for (const [name, ttl] of buckets) {
      await ensureKv(nc, jsm, name, ttl === undefined ? { replicas } : { replicas, ttl }).then(
        note(`bucket ${name}`),
      );
    }
    await ensureObjectStore(nc, jsm, ObjectStores.artifacts, replicas).then(
      note(`object store ${ObjectStores.artifacts}`),
    );
  } catch (err) {
    throw explainPermission(err);
  }
  return report;
}
