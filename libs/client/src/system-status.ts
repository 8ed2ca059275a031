import type { Bus } from "@nightshift/messaging";
import { dlqSize, queueInfo } from "./queue.ts";
import { listRecords } from "./records.ts";
import { schedulesStatus } from "./schedules.ts";
import { listServices } from "./services.ts";
import type { SystemStatus } from "./wire/summaries.ts";

/** Queue depth, running and waiting tasks with reasons, service instances and schedules. */
export async function systemStatus(bus: Bus): Promise<SystemStatus> {
  const [queue, dlq, records, services, scheduling] = await Promise.all([
    queueInfo(bus),
    dlqSize(bus),
    listRecords(bus),
    listServices(bus),
    schedulesStatus(bus),
  ]);
  const counts: Record<string, number> = {};
  for (const r of records) counts[r.state] = (counts[r.state] ?? 0) + 1;
  return {
    queue,
    dlq: { messages: dlq },
    counts,
    running: records.filter((r) => r.state === "running"),
    waiting: records.filter((r) => r.state === "waiting" || r.state === "queued"),
    services,
    scheduling,
  };
}
