import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { Objm, type ObjectStore } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import { Buckets, ObjectStores } from "@nightshift/contracts";
import { TaskStore } from "./task-store.ts";

/** Handles to everything nightshift keeps in NATS, opened once per process. */
export interface Bus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kv: { tasks: KV; leases: KV; cursors: KV; budgets: KV; control: KV; services: KV };
  artifacts: ObjectStore;
  tasks: TaskStore;
}

/** Opens the provisioned streams, buckets and object store (run `provision` first). */
export async function openBus(nc: NatsConnection): Promise<Bus> {
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const kvm = new Kvm(js);
  const [tasks, leases, cursors, budgets, control, services] = await Promise.all([
    kvm.open(Buckets.tasks),
    kvm.open(Buckets.leases),
    kvm.open(Buckets.cursors),
    kvm.open(Buckets.budgets),
    kvm.open(Buckets.control),
    kvm.open(Buckets.services),
  ]);
  const artifacts = await new Objm(js).open(ObjectStores.artifacts);
  return {
    nc,
    js,
    jsm,
    kv: { tasks, leases, cursors, budgets, control, services },
    artifacts,
    tasks: new TaskStore(tasks),
  };
}
