import { Consumers, Presence, Streams, type TaskRecord } from "@nightshift/contracts";
import type { Bus } from "@nightshift/messaging";
import { listRecords } from "./records.ts";
import { schedulesStatus, type SchedulesStatus } from "./schedules.ts";

export interface SystemStatus {
  queue: { messages: number; pending: number; ackPending: number; waitingPulls: number };
  dlq: { messages: number };
  counts: Record<string, number>;
  running: TaskRecord[];
  waiting: TaskRecord[];
  services: Presence[];
  /** Schedules with their next fire times and counters, and pause flags. */
  scheduling: SchedulesStatus;
}

/** Queue depth, running and waiting tasks with reasons, and the live service instances. */
export async function systemStatus(bus: Bus): Promise<SystemStatus> {
  const [tasks, consumer, dlq, records, scheduling] = await Promise.all([
    bus.jsm.streams.info(Streams.tasks),
    bus.jsm.consumers.info(Streams.tasks, Consumers.executor),
    bus.jsm.streams.info(Streams.dlq),
    listRecords(bus),
    schedulesStatus(bus),
  ]);
  const services: Presence[] = [];
  for await (const key of await bus.kv.services.keys()) {
    const e = await bus.kv.services.get(key);
    if (!e || e.operation !== "PUT") continue;
    const p = Presence.safeParse(e.json());
    if (p.success) services.push(p.data);
  }
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.state] = (counts[r.state] ?? 0) + 1;
  return {
    queue: {
      messages: tasks.state.messages,
      pending: consumer.num_pending,
      ackPending: consumer.num_ack_pending,
      waitingPulls: consumer.num_waiting,
    },
    dlq: { messages: dlq.state.messages },
    counts,
    running: records.filter((r) => r.state === "running"),
    waiting: records.filter((r) => r.state === "waiting" || r.state === "queued"),
    services: services.sort((a, b) => a.service.localeCompare(b.service)),
    scheduling,
  };
}
